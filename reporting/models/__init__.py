"""Governance records (issue 8): the partnership action plan, the joint risk register and
performance indicators with targets. Aggregates only: nothing here names a person."""

from .actions import MANAGE_GOVERNANCE, ActionItem, ActionPlan, ActionStatus, ActionTransition, ActionUpdate
from .boards import (
    Board,
    BoardMeeting,
    BoardReport,
    ReportDefinition,
    ReportDownload,
    ReportPeriod,
    ReportStatus,
)
from .indicators import Indicator, IndicatorValue, first_of_month, month_end, previous_month
from .risks import (
    CONSEQUENCE_LABELS,
    LEVEL_BANDS,
    LIKELIHOOD_LABELS,
    SCALE,
    Risk,
    RiskAssessment,
    RiskLevel,
    risk_level,
    score_range,
)

__all__ = [
    "Board",
    "BoardMeeting",
    "BoardReport",
    "ReportDefinition",
    "ReportDownload",
    "ReportPeriod",
    "ReportStatus",
    "CONSEQUENCE_LABELS",
    "LEVEL_BANDS",
    "LIKELIHOOD_LABELS",
    "MANAGE_GOVERNANCE",
    "SCALE",
    "ActionItem",
    "ActionPlan",
    "ActionStatus",
    "ActionTransition",
    "ActionUpdate",
    "Indicator",
    "IndicatorValue",
    "Risk",
    "RiskAssessment",
    "RiskLevel",
    "first_of_month",
    "month_end",
    "previous_month",
    "risk_level",
    "score_range",
]
