"""Every block renders with its own template, validates, and yields to a site's template."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from wagtail.blocks.struct_block import StructBlockValidationError

from wagtail_coaching import blocks
from wagtail_coaching.blocks import ModuleBodyBlock, ProgrammeStepsBlock
from wagtail_coaching.programmes.pages import ModulePage, ProgrammeIndexPage, ProgrammePage

from .programmes import every_block, home_page, make_document, make_image, make_programme

pytestmark = pytest.mark.django_db

BODY = ModuleBodyBlock()
ALL_TYPES = set(BODY.child_blocks)


def rendered(block_type, raw_value, context=None):
    block = BODY.child_blocks[block_type]
    value = block.to_python(raw_value)
    return block.render(value, context=context or {})


def test_every_block_type_is_covered_by_the_fixtures():
    image, document = make_image(), make_document()
    kinds = {child["type"] for child in every_block(image, document)}
    assert kinds == ALL_TYPES


@pytest.mark.parametrize("block_type", sorted(ALL_TYPES))
def test_block_has_template_icon_description_and_preview(block_type):
    block = BODY.child_blocks[block_type]
    assert block.meta.template == f"wagtail_coaching/blocks/{block_type}.html"
    assert block.meta.icon and block.meta.icon != "placeholder"
    assert str(block.get_description())
    assert block.is_previewable
    # The preview renders through the block's own template, without a database object.
    html = block.render(block.get_preview_value(), context={})
    assert "coaching-block" in html


def test_step_block_has_template_icon_description_and_preview():
    block = ProgrammeStepsBlock().child_blocks["step"]
    assert block.meta.template == "wagtail_coaching/blocks/step.html"
    html = block.render(block.get_preview_value(), context={})
    assert "First session: where you stand" in html and "Session" in html


def test_every_block_renders_its_value():
    image, document = make_image(), make_document()
    stream = {child["type"]: child["value"] for child in every_block(image, document, tag="X")}
    expectations = {
        "heading": '<h2 class="coaching-block coaching-heading">Heading X</h2>',
        "text": "<p>Some text X</p>",
        "quote": "<blockquote><p>A quote X</p></blockquote>",
        "image": 'alt="A sunrise"',
        "video": '<iframe title="A video"',
        "resource": f'href="{document.url}"',
        "callout": "coaching-callout--tip",
        "reflection": "What did you learn X?",
        "scale": "From 1 (Not at all) to 10 (Completely)",
        "checklist": "Second thing",
        "action_plan": "Actions X",
        "talk_with_coach": "Bring this X",
    }
    assert set(expectations) == ALL_TYPES
    for block_type, expected in expectations.items():
        assert expected in rendered(block_type, stream[block_type]), block_type


def test_interactive_blocks_show_no_form_without_a_space():
    for child in every_block(tag="Y"):
        html = rendered(child["type"], child["value"], context={"block_id": child["id"]})
        assert "<form" not in html
        assert "<textarea" not in html


def test_talk_block_names_the_coach_inside_a_space(world):
    html = rendered("talk_with_coach", {"message": ""}, context={"space": world.space})
    assert f"Talk about it with {world.coach.get_full_name()}" in html
    assert "Bring this to your next session." in html


def test_video_without_an_embed_falls_back_to_a_link():
    html = rendered(
        "video", {"video": "https://unknown.example/v/1", "title": "Talk", "transcript": ""}
    )
    assert 'href="https://unknown.example/v/1"' in html
    assert "Watch “Talk”" in html


@pytest.mark.parametrize(
    ("low", "high", "message"),
    [
        (5, 5, "greater than the lowest"),
        (10, 1, "greater than the lowest"),
        (0, 30, "at most 20 values"),
    ],
)
def test_scale_rejects_bad_bounds(low, high, message):
    block = BODY.child_blocks["scale"]
    value = block.to_python(
        {"question": "Q", "min_value": low, "max_value": high, "min_label": "a", "max_label": "b"}
    )
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(value)
    assert message in str(error.value.block_errors["max_value"])


def test_scale_accepts_one_to_ten():
    block = BODY.child_blocks["scale"]
    value = block.to_python(
        {"question": "Q", "min_value": 1, "max_value": 10, "min_label": "a", "max_label": "b"}
    )
    assert block.clean(value)["max_value"] == 10


@pytest.mark.parametrize(
    ("block_type", "raw"),
    [
        ("reflection", {"question": "", "guidance": ""}),
        ("checklist", {"title": "T", "items": []}),
        ("heading", {"text": "", "level": "h2"}),
        ("quote", {"quote": "", "attribution": ""}),
        ("action_plan", {"title": "", "intro": ""}),
        ("video", {"video": None, "title": "", "transcript": ""}),
        ("resource", {"document": None, "title": "", "description": ""}),
        ("image", {"image": None, "alt_text": "", "caption": ""}),
        ("callout", {"tone": "tip", "title": "", "body": ""}),
    ],
)
def test_required_parts_are_required(block_type, raw):
    block = BODY.child_blocks[block_type]
    with pytest.raises(ValidationError):
        block.clean(block.to_python(raw))


def test_talk_block_and_text_are_valid_when_minimal():
    BODY.child_blocks["talk_with_coach"].clean(
        BODY.child_blocks["talk_with_coach"].to_python({"message": ""})
    )
    BODY.child_blocks["text"].clean(BODY.child_blocks["text"].to_python("<p>x</p>"))


@pytest.mark.parametrize("block_type", sorted(ALL_TYPES) + ["step"])
def test_a_site_template_overrides_the_block_template(block_type, tmp_path, settings):
    folder = tmp_path / "wagtail_coaching" / "blocks"
    folder.mkdir(parents=True)
    (folder / f"{block_type}.html").write_text(f"SITE OVERRIDE {block_type}")
    templates = [dict(settings.TEMPLATES[0])]
    templates[0]["DIRS"] = [tmp_path, *templates[0]["DIRS"]]
    with override_settings(TEMPLATES=templates):  # Django reloads the template engines
        block = (
            ProgrammeStepsBlock().child_blocks["step"]
            if block_type == "step"
            else BODY.child_blocks[block_type]
        )
        html = block.render(block.get_preview_value(), context={})
    assert html.strip() == f"SITE OVERRIDE {block_type}"


# --- Page type rules -------------------------------------------------------------------------


def test_page_tree_rules():
    assert ProgrammeIndexPage.allowed_subpage_models() == [ProgrammePage]
    assert ProgrammePage.allowed_parent_page_models() == [ProgrammeIndexPage]
    assert ProgrammePage.allowed_subpage_models() == [ModulePage]
    assert ModulePage.allowed_parent_page_models() == [ProgrammePage]
    assert ModulePage.allowed_subpage_models() == []
    home = home_page()
    assert ProgrammeIndexPage.can_create_at(home)
    assert not ProgrammePage.can_create_at(home)
    assert not ModulePage.can_create_at(home)
    programme, modules = make_programme(modules=1)
    assert ModulePage.can_create_at(programme)
    assert not ModulePage.can_create_at(modules[0])
    assert not ProgrammePage.can_create_at(programme)


def test_a_step_cannot_link_to_another_programmes_module():
    programme, _modules = make_programme(modules=1)
    _other, other_modules = make_programme(modules=1)
    programme.steps = [
        {
            "type": "step",
            "value": {
                "title": "Borrowed",
                "description": "",
                "kind": "module",
                "module": other_modules[0].pk,
            },
        }
    ]
    with pytest.raises(ValidationError) as error:
        programme.full_clean()
    assert "Borrowed" in str(error.value.message_dict["steps"])


def test_steps_linking_own_modules_validate():
    programme, _modules = make_programme(modules=2)
    programme.full_clean()
    assert blocks.StepKind.MODULE.label == "Module"


@pytest.mark.parametrize("block_type", sorted(ALL_TYPES))
def test_admin_block_preview_renders(client, world, block_type):
    block = BODY.child_blocks[block_type]
    client.force_login(world.superuser)
    response = client.get("/admin/block-preview/", {"id": block.definition_prefix})
    assert response.status_code == 200
    body = response.content.decode()
    assert "wagtail_coaching/css/coaching.css" in body
    assert 'class="coaching"' in body and "coaching-block" in body
