"""The half-year assessment (附件3 下半年政府网站评估情况): a scoring model kept as data
(rules/assessment.toml), a score sheet per site with every deduction and its evidence, tiers per group.

    model = rulebook.assessment
    assessment = build_assessment(store, model, parse_half("2022H2", zone))
    write_assessment(assessment, folder, ("xlsx", "docx", "md"))
"""

from monitor.assess.data import Assessment, build_assessment
from monitor.assess.half import Half, HalfError, parse_half
from monitor.assess.model import AssessmentModel, load_model
from monitor.assess.writer import FORMATS, write_assessment

__all__ = ["FORMATS", "Assessment", "AssessmentModel", "Half", "HalfError", "build_assessment", "load_model",
           "parse_half", "write_assessment"]
