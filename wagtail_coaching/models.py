"""Django's registry of the app's models: each domain's models, imported from where they live.

The models themselves are in the domain packages (``spaces``, ``sessions``, ``programmes``,
``trials``); this module only imports them so that Django finds them under the
``wagtail_coaching`` app label. Nothing in the app imports from here.
"""

from .booking.models import AvailabilityRange, DayOff
from .conversations.models import Message, ReadMarker
from .notifications.models import Notification
from .privacy.models import SpaceExport
from .programmes.pages import ModulePage, ProgrammeIndexPage, ProgrammePage
from .programmes.progress import Action, Answer, ModuleProgress, StepMark
from .reporting.models import ReportExport
from .sessions.board import Board, BoardOperation
from .sessions.models import CoachingSession
from .sessions.presence import PresenceSpan
from .spaces.audit import AccessEvent, SpaceVisit
from .spaces.content import Goal, GoalChange, Note, SpaceDocument
from .spaces.contracts import ContractAcceptance, ContractTemplate
from .spaces.crypto import DataKey
from .spaces.mail import SentEmail
from .spaces.models import (
    ClientSpace,
    ClientSpaceGroupObjectPermission,
    ClientSpaceUserObjectPermission,
    Organisation,
    OrganisationGroupObjectPermission,
    OrganisationUserObjectPermission,
)
from .spaces.preferences import CoachingPreferences
from .spaces.proposals import AccessProposal
from .trials.models import TrialRequest
from .trials.pages import TrialRequestPage

__all__ = [
    "ReportExport",
    "AccessEvent",
    "AccessProposal",
    "Action",
    "Answer",
    "AvailabilityRange",
    "Board",
    "BoardOperation",
    "ClientSpace",
    "DataKey",
    "ClientSpaceGroupObjectPermission",
    "ClientSpaceUserObjectPermission",
    "CoachingPreferences",
    "CoachingSession",
    "ContractAcceptance",
    "ContractTemplate",
    "DayOff",
    "Goal",
    "GoalChange",
    "Message",
    "ModulePage",
    "ModuleProgress",
    "Note",
    "Notification",
    "Organisation",
    "OrganisationGroupObjectPermission",
    "OrganisationUserObjectPermission",
    "PresenceSpan",
    "ProgrammeIndexPage",
    "ProgrammePage",
    "ReadMarker",
    "SentEmail",
    "SpaceDocument",
    "SpaceExport",
    "SpaceVisit",
    "StepMark",
    "TrialRequest",
    "TrialRequestPage",
]
