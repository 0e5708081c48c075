"""The coaching contract and the gate in front of every client space.

Every participant accepts the contract that applies to a space before seeing anything of it,
and again whenever a newer version applies. Space views get the lock and the gate from one
decorator, :func:`space_view`; use it on every view that shows anything of a space.

Contracts are written per language: a space shows the contract in *its* language
(``ClientSpace.language``), never a translation picked from the reader's screen, and the
acceptance records that language with the version and the SHA-256 of the exact text shown.
"""

import hashlib
from io import BytesIO
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models.expressions import RawSQL
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail_coaching.spaces import audit
from wagtail_coaching.spaces.models import ClientSpace, Organisation, display_name
from wagtail_coaching.spaces.preferences import (
    for_person,
    language_name,
    site_language,
    supported_language,
)


def text_sha256(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ContractTemplate(models.Model):
    """One version of a coaching contract.

    A template with no organisation and no programme is the default. A programme's latest
    version wins over an organisation's, which wins over the default. A version that
    someone accepted can no longer be changed: publish a new version instead.
    """

    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(
        _("text"),
        help_text=_("Plain text. Blank lines separate paragraphs."),
    )
    version = models.PositiveIntegerField(_("version"), editable=False)
    # A code of settings.LANGUAGES (not a model choice: no migration when a site adds one).
    # Existing contracts get the site's LANGUAGE_CODE when the column is added.
    language = models.CharField(
        _("language"),
        max_length=15,
        default=site_language,
        help_text=_("Spaces in this language show this contract."),
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contract_templates",
        help_text=_("Leave empty for the default contract."),
    )
    programme = models.ForeignKey(
        "wagtail_coaching.ProgrammePage",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Only for spaces of this programme."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "-version"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        # One version number per scope and language. A template has an organisation, a
        # programme or neither (clean() refuses both), so three partial unique indexes cover
        # every scope on SQLite and PostgreSQL alike (NULLs are distinct in a plain unique
        # index).
        constraints = [
            models.UniqueConstraint(
                fields=["language", "version"],
                condition=models.Q(organisation__isnull=True, programme__isnull=True),
                name="wagtail_coaching_contract_default_version_unique",
            ),
            models.UniqueConstraint(
                fields=["organisation", "language", "version"],
                condition=models.Q(programme__isnull=True),
                name="wagtail_coaching_contract_org_version_unique",
            ),
            models.UniqueConstraint(
                fields=["programme", "language", "version"],
                condition=models.Q(organisation__isnull=True),
                name="wagtail_coaching_contract_programme_version_unique",
            ),
        ]

    def __str__(self):
        return _("%(title)s (version %(version)s)") % {"title": self.title, "version": self.version}

    def save(self, *args, **kwargs):
        if self.version is None:
            with transaction.atomic():
                scope = ContractTemplate.objects.select_for_update().filter(
                    organisation_id=self.organisation_id,
                    programme_id=self.programme_id,
                    language=self.language,
                )
                latest = scope.aggregate(models.Max("version"))["version__max"] or 0
                self.version = latest + 1
                return super().save(*args, **kwargs)
        return super().save(*args, **kwargs)

    @property
    def sha256(self):
        return text_sha256(self.body)

    @property
    def scope_label(self):
        if self.programme_id:
            return _("Programme: %(name)s") % {"name": self.programme.title}
        if self.organisation_id:
            return _("Organisation: %(name)s") % {"name": self.organisation.name}
        return _("Default")

    @property
    def language_name(self):
        return language_name(self.language)

    language_name.fget.short_description = _("language")

    def clean(self):
        if supported_language(self.language) != self.language:
            raise ValidationError({"language": _("Choose one of the site's languages.")})
        if self.organisation_id and self.programme_id:
            raise ValidationError(
                _(
                    "Choose an organisation or a programme, not both; leave both empty for "
                    "the default contract."
                )
            )
        if self.pk and self.acceptances.exists():
            saved = ContractTemplate.objects.get(pk=self.pk)
            if (saved.body, saved.title, saved.language) != (self.body, self.title, self.language):
                raise ValidationError(
                    _(
                        "This version was already accepted, so its text cannot change. Create "
                        "a new contract with the same organisation or programme instead: it "
                        "becomes the next version."
                    )
                )


class ContractAcceptance(models.Model):
    """Proof that a user accepted one exact contract text for one space."""

    space = models.ForeignKey(
        ClientSpace,
        verbose_name=_("client space"),
        on_delete=models.CASCADE,
        related_name="contract_acceptances",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    contract = models.ForeignKey(
        ContractTemplate,
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="acceptances",
    )
    version = models.PositiveIntegerField(_("version"))
    language = models.CharField(_("language"), max_length=15, blank=True)
    text_sha256 = models.CharField(_("SHA-256 of the text"), max_length=64)
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)

    class Meta:
        ordering = ["-accepted_at"]
        verbose_name = _("contract acceptance")
        verbose_name_plural = _("contract acceptances")
        constraints = [
            models.UniqueConstraint(
                fields=["space", "user", "contract"],
                name="wagtail_coaching_contract_accepted_once",
            ),
        ]

    def __str__(self):
        return _("Acceptance of version %(version)s") % {"version": self.version}


DEFAULT_TITLE = _("Coaching contract")
DEFAULT_BODY = _(
    "This contract binds the coach and the coachee of this coaching space.\n\n"
    "Professional secrecy. Everything said, written or shared in this space stays between "
    "the coach and the coachee. The coach does not disclose it to anyone, the sponsoring "
    "organisation included, without the coachee's written consent, except where the law "
    "requires it.\n\n"
    "What the sponsor sees. The sponsoring organisation only receives figures: the number "
    "of sessions held, the modules followed and the hours spent. Never a note, a document, "
    "a reflection or the wording of a goal.\n\n"
    "Commitments. The coachee takes part actively and comes to the planned sessions or "
    "cancels them in advance. The coach follows the professional code of ethics of coaching "
    "and refers the coachee to another professional when the request falls outside "
    "coaching.\n\n"
    "Your data. Your notes, goals and documents are encrypted. You can download them at any "
    "time, and they are erased after the space is closed and the retention period has "
    "passed."
)


def _applicable_contract_sql(language, organisation_id, programme_id):
    """SQL selecting the id of the contract version that applies to a space, or no row: the
    one rule of which contract applies, for the gate and for :func:`applicable_contract`.

    The arguments are SQL expressions for the space's language, organisation id and
    programme id: columns of the space's table in the gate's query, placeholders (``%s``)
    bound to an instance's values otherwise; their parameters come in that order. The
    rule: in the space's language, a programme's latest version (a contract written for a
    programme applies to its translations too), else the organisation's, else the default.

    Plain SQL, not a queryset: the gate compiles it on every request, and the ORM's
    compilation of the same subquery cost more than the whole query's execution. A missing
    organisation or programme (NULL) matches nothing, as ``NULL = NULL`` is never true.
    """
    quote = connection.ops.quote_name
    table = quote(ContractTemplate._meta.db_table)
    # Programme pages keep their translation key in the (possibly swapped) base page table.
    programme = ClientSpace._meta.get_field("programme").related_model
    pages = quote(programme._meta.get_field("translation_key").model._meta.db_table)
    return (
        f"SELECT c.id FROM {table} c"  # noqa: S608 (identifiers from _meta, values as params)
        f" WHERE c.language = {language} AND ("
        " (c.organisation_id IS NULL AND c.programme_id IS NULL)"
        f" OR (c.organisation_id = {organisation_id} AND c.programme_id IS NULL)"
        f" OR c.programme_id IN (SELECT t.id FROM {pages} t JOIN {pages} p"
        f" ON t.translation_key = p.translation_key WHERE p.id = {programme_id}))"
        " ORDER BY CASE WHEN c.programme_id IS NOT NULL THEN 2"
        " WHEN c.organisation_id IS NOT NULL THEN 1 ELSE 0 END DESC,"
        " c.version DESC, c.id DESC LIMIT 1"
    )


def _applicable_to(space):
    """:func:`_applicable_contract_sql` bound to ``space``'s own values (saved or not, as a
    form about to save it holds them), as an expression for ``pk=``."""
    sql = _applicable_contract_sql("%s", "%s", "%s")
    return RawSQL(sql, [space_language(space), space.organisation_id, space.programme_id])


def space_language(space):
    """The language ``space`` speaks (set on save, see ``ClientSpace.resolve_language``)."""
    return supported_language(space.language) or site_language()


def default_contract_available(language):
    """True when the built-in default contract reads in ``language``: the source language,
    or a language whose catalogue translates it."""
    if language.split("-")[0] == "en":
        return True
    with translation.override(None):
        source = str(DEFAULT_BODY)
    with translation.override(language):
        return str(DEFAULT_BODY) != source


def applicable_contract(space):
    """The contract version that applies to ``space``, in the space's language.

    A programme's latest version wins over an organisation's, which wins over the default.
    With no contract in that language at all, the built-in default is created in it when
    the catalogue translates it; otherwise None (the space cannot be entered, nor made
    active: see :func:`contract_available`).
    """
    contract = ContractTemplate.objects.filter(pk=_applicable_to(space)).first()
    if contract is not None:
        return contract
    language = space_language(space)
    if not default_contract_available(language):
        return None
    with translation.override(language):
        contract, _created = ContractTemplate.objects.get_or_create(
            organisation=None,
            programme=None,
            language=language,
            version=1,
            defaults={"title": str(DEFAULT_TITLE), "body": str(DEFAULT_BODY)},
        )
    return contract


def with_contract_state(queryset, user):
    """``queryset`` of spaces, each annotated with ``contract_accepted``: whether ``user``
    accepted the contract version that applies to it now (False while no contract exists).

    The same rule as :func:`applicable_contract` and :func:`current_acceptance` (one SQL
    text, bound here to the space table's columns), decided by ids inside the query that
    reads the spaces: no contract text is loaded.
    """
    quote = connection.ops.quote_name
    space = quote(ClientSpace._meta.db_table)
    applicable = _applicable_contract_sql(
        f"COALESCE(NULLIF({space}.language, ''), %s)",
        f"{space}.organisation_id",
        f"{space}.programme_id",
    )
    accepted = (
        f"EXISTS (SELECT 1 FROM {quote(ContractAcceptance._meta.db_table)} a"  # noqa: S608
        f" WHERE a.space_id = {space}.id AND a.user_id = %s AND a.contract_id = ({applicable}))"
    )
    return queryset.annotate(
        contract_accepted=RawSQL(
            accepted, [user.pk, site_language()], output_field=models.BooleanField()
        )
    )


def contract_available(space):
    """True when a contract exists, or can be made, in ``space``'s language."""
    return (
        default_contract_available(space_language(space))
        or ContractTemplate.objects.filter(pk=_applicable_to(space)).exists()
    )


def current_acceptance(user, space, contract=None):
    """``user``'s acceptance of the contract now applying to ``space``, or None."""
    contract = contract or applicable_contract(space)
    if contract is None:
        return None
    return ContractAcceptance.objects.filter(space=space, user=user, contract=contract).first()


def accept(user, space, contract, shown_sha256):
    """Record that ``user`` accepted ``contract`` as shown. Returns the acceptance, or None
    when the text shown is not the contract's current text (it changed meanwhile)."""

    if shown_sha256 != contract.sha256:
        return None
    acceptance, created = ContractAcceptance.objects.get_or_create(
        space=space,
        user=user,
        contract=contract,
        defaults={
            "version": contract.version,
            "language": contract.language,
            "text_sha256": contract.sha256,
        },
    )
    if created:
        audit.record(space, user, audit.AccessAction.CONTRACT_ACCEPTED)
    return acceptance


# --- PDF -----------------------------------------------------------------------------------


def contract_pdf(acceptance):
    """The accepted contract as PDF bytes, in the contract's language and the reader's
    time zone. Every string is escaped before reportlab's paragraph markup sees it."""
    with for_person(acceptance.user, language=acceptance.contract.language):
        return _contract_pdf(acceptance)


def contract_pdf_filename(acceptance):
    with translation.override(acceptance.contract.language):
        return gettext("contract-v%(version)s.pdf") % {"version": acceptance.version}


def _contract_pdf(acceptance):
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    contract = acceptance.contract
    styles = getSampleStyleSheet()
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=contract.title,
        author="wagtail-coaching",
    )

    def para(text, style="BodyText"):
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), styles[style])

    space = acceptance.space
    story = [para(contract.title, "Title")]
    story.append(
        para(
            gettext("Version %(version)s — between %(coachee)s (coachee) and %(coach)s (coach)")
            % {
                "version": acceptance.version,
                "coachee": display_name(space.coachee),
                "coach": display_name(space.coach),
            },
            "Italic",
        )
    )
    story.append(Spacer(1, 0.5 * cm))
    for paragraph in contract.body.split("\n\n"):
        if paragraph.strip():
            story.append(para(paragraph.strip()))
            story.append(Spacer(1, 0.2 * cm))
    story.append(Spacer(1, 0.8 * cm))
    story.append(
        para(
            gettext("Accepted by %(name)s on %(date)s.")
            % {
                "name": display_name(acceptance.user),
                "date": " ".join(
                    (
                        formats.date_format(
                            timezone.localtime(acceptance.accepted_at), "DATETIME_FORMAT"
                        ),
                        timezone.get_current_timezone_name(),
                    )
                ),
            }
        )
    )
    story.append(
        para(gettext("SHA-256 of the accepted text: %(hash)s") % {"hash": acceptance.text_sha256})
    )
    doc.build(story)
    return buffer.getvalue()
