"""A participant's copy of their space: one zip with JSON, their visible files, the paper
board (its items in ``space.json`` under ``paper_board``, and drawn in ``paper-board.pdf``)
and the PDF of the contract they accepted."""

import json
import tempfile
import zipfile

from django.utils import timezone

from wagtail_coaching.conversations import rules as conversations
from wagtail_coaching.sessions import board
from wagtail_coaching.spaces import audit, content, contracts
from wagtail_coaching.spaces.documents import document_chunks
from wagtail_coaching.spaces.models import display_name

SPOOL_BYTES = 16 * 1024 * 1024


def _iso(value):
    return timezone.localtime(value).isoformat() if value else None


def _of_space(space, rows):
    """``rows`` with their space set to ``space``: its data key is unwrapped once."""
    for row in rows:
        row.space = space
        yield row


def export_data(space, user):
    """Everything of ``space`` that ``user`` may see, as JSON-ready data."""
    notes = content.notes_visible_to(user, space).select_related("author")
    goals = content.goals_of(space).prefetch_related("changes__changed_by")
    documents = content.documents_of(space)
    return {
        "exported_at": _iso(timezone.now()),
        "exported_by": display_name(user),
        "space": {
            "id": str(space.public_id),
            "coach": display_name(space.coach),
            "coachee": display_name(space.coachee),
            "organisation": space.organisation.name,
            "programme": space.programme.title if space.programme_id else None,
            "status": space.status,
            "start_date": space.start_date.isoformat(),
            "end_date": space.end_date.isoformat() if space.end_date else None,
        },
        "notes": [
            {
                "id": str(note.uid),
                "author": display_name(note.author),
                "visibility": note.visibility,
                "created_at": _iso(note.created_at),
                "updated_at": _iso(note.updated_at),
                "text": note.body,
            }
            for note in notes
        ],
        "goals": [
            {
                "id": str(goal.uid),
                "title": goal.title,
                "why": goal.why,
                "progress": goal.progress,
                "status": goal.status,
                "history": [
                    {
                        "changed_at": _iso(change.changed_at),
                        "changed_by": display_name(change.changed_by)
                        if change.changed_by_id
                        else None,
                        "title": change.title,
                        "why": change.why,
                        "progress": change.progress,
                        "status": change.status,
                    }
                    for change in goal.changes.all()
                ],
            }
            for goal in goals
        ],
        "answers": [
            {
                "module": answer.module.title if answer.module_id else None,
                "block": str(answer.block_id),
                "kind": answer.kind,
                "text": answer.text,
                "value": answer.value,
                "items": list(answer.items),
                "updated_at": _iso(answer.updated_at),
            }
            for answer in _of_space(space, space.answers.select_related("module"))
        ],
        "actions": [
            {
                "id": str(action.public_id),
                "module": action.module.title if action.module_id else None,
                "text": action.text,
                "due_date": action.due_date.isoformat() if action.due_date else None,
                "done": action.done,
            }
            for action in _of_space(space, space.actions.select_related("module"))
        ],
        "messages": [
            {
                "id": str(message.uid),
                "author": display_name(message.author),
                "written_at": _iso(message.created_at),
                "edited_at": _iso(message.edited_at),
                "deleted": message.is_deleted,
                "text": None if message.is_deleted else message.body,
                "document": str(message.attachment.uid) if message.attachment_id else None,
            }
            for message in _of_space(space, conversations.messages_of(space).order_by("pk"))
        ],
        "documents": [
            {
                "id": str(doc.uid),
                "name": doc.name,
                "file": _zip_name(doc),
                "type": doc.content_type,
                "size": doc.size,
                "uploaded_by": display_name(doc.uploaded_by),
                "uploaded_at": _iso(doc.uploaded_at),
            }
            for doc in documents
        ],
        "paper_board": board.export_data(space),
        "contract_acceptances": [
            {
                "contract": acc.contract.title,
                "version": acc.version,
                "text_sha256": acc.text_sha256,
                "accepted_at": _iso(acc.accepted_at),
            }
            for acc in space.contract_acceptances.filter(user=user).select_related("contract")
        ],
        "access_log": [
            {
                "at": _iso(event.at),
                "who": str(event.who_label),
                "what": event.action,
                "about": event.subject_label or None,
            }
            for event in audit.events_for(space)
        ],
    }


def _zip_name(document):
    return f"documents/{document.uid.hex[:8]}-{document.name}"


def build_export(space, user, progress=None):
    """The zip as an open temporary file positioned at 0, and its size in bytes.

    ``progress(done, total)`` is called, if given, as the parts of the zip are written.
    """
    handle = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    documents = list(content.documents_of(space))
    total = len(documents) + 2
    report = progress or (lambda done, total: None)
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        data = export_data(space, user)
        archive.writestr(
            "space.json", json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
        )
        report(1, total)
        for done, document in enumerate(documents, start=2):
            # Piece by piece: a 200 MB document never sits in memory.
            with archive.open(_zip_name(document), "w", force_zip64=True) as member:
                for piece in document_chunks(document):
                    member.write(piece)
            report(done, total)
        archive.writestr("paper-board.pdf", board.render_pdf(space, title="Paper board"))
        acceptance = contracts.current_acceptance(user, space)
        if acceptance is not None:
            archive.writestr("contract.pdf", contracts.contract_pdf(acceptance))
    report(total, total)
    size = handle.tell()
    handle.seek(0)
    return handle, size
