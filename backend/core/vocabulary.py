"""The words a case file and a rules profile may use.

One closed list for each, so a misspelt plan type in a case import is a clear error
instead of a child who silently gets no visiting schedule. Profiles are checked
against the same lists when they load. Adding a word is a reviewed code change.
"""

from __future__ import annotations

# episodes[].type
PLAN_TYPES: dict[str, str] = {
    "early_help": "Early help",
    "assessment": "Assessment",
    "section_47": "Section 47 enquiry",
    "child_in_need": "Child in need plan",
    "child_protection": "Child protection plan",
    "pre_birth": "Pre-birth plan",
    "cared_for": "Cared for (looked after)",
    "care_leaver": "Care leaver",
    "private_fostering": "Private fostering",
    "short_breaks": "Short breaks",
    "youth_justice_custody": "In custody",
    # Sefton's Children with Complex Needs hub: a key worker visits while the care package is reviewed.
    "complex_needs_care_package": "Complex needs: care package under review",
}

# Short labels for notifications and calendar titles, where space is tight.
PLAN_TYPE_SHORT: dict[str, str] = {
    "early_help": "EH",
    "assessment": "assessment",
    "section_47": "S47",
    "child_in_need": "CIN",
    "child_protection": "CP",
    "pre_birth": "pre-birth",
    "cared_for": "cared for",
    "care_leaver": "care leaver",
    "private_fostering": "PF",
    "short_breaks": "short breaks",
    "youth_justice_custody": "custody",
    "complex_needs_care_package": "care package",
}

# episodes[].placement (cared-for and similar episodes)
PLACEMENTS: dict[str, str] = {
    "foster_care": "Foster care",
    "kinship_care": "Kinship (connected person) foster care",
    "regulation_24": "Regulation 24 temporary approval of a connected person",
    "placed_with_parents": "Placed with parents",
    "placed_for_adoption": "Placed for adoption",
    "residential": "Children's home",
    "supported_accommodation": "Supported accommodation",
    "unregulated": "Unregulated setting",
    "long_term_foster_care": "Long-term foster care",
    "secure": "Secure accommodation",
    "other": "Other placement",
    # Sefton visits an unregulated setting by whether the young person needs care or only support;
    # plain "unregulated" (not yet decided) is treated as care, the protective reading.
    "unregulated_care": "Unregulated setting, young person needs care",
    "unregulated_support": "Unregulated setting, young person needs support only",
    # Short-break episodes: looked after under Regulation 48 (at most 75 days a year), or above that.
    "regulation_48": "Short breaks under Regulation 48 (at most 75 days a year)",
    "short_breaks_over_75_days": "Short breaks of more than 75 days a year",
}

# events[].type
EVENT_TYPES: dict[str, str] = {
    "first_cared_for_review": "first cared-for review",
    "permanence_ratified": "permanence ratified",
    "birth": "birth",
    "hospital_discharge": "discharge from hospital",
    "accommodation_change": "move to new accommodation",
    "entered_custody": "entry into custody",
    "adoption_order": "adoption order",
    "care_package_review": "care package review",
    "long_term_visits_agreed": "agreement to less frequent visits in a long-term home",
    "review_child_protection_conference": "review child protection conference",
    "connected_carer_approved": "approval of the connected carers",
    # With "role": the worker of that role was allocated (an introductory contact is due).
    "allocated": "allocation",
    "care_order_made": "care order",
    "returned_from_missing": "return from a missing episode",
    "released_from_custody": "release from custody",
    "notification": "notification of the private fostering arrangement",
    "strategy_discussion": "strategy discussion",
    # The basis for a reduced visiting frequency has gone (instability, consent withdrawn).
    "long_term_visits_ended": "end of the basis for less frequent visits",
    # The meetings, assessments and plans that start or meet a deadline (core/deadlines.py).
    "referral": "referral",
    "initial_child_protection_conference": "initial child protection conference",
    "core_group": "core group meeting",
    "cared_for_review": "cared-for review",
    "health_assessment": "health assessment",
    "personal_education_plan": "personal education plan meeting",
    "pathway_plan_review": "pathway plan review",
    "assessment_completed": "completion of the assessment",
    "needs_assessment": "needs assessment (pathway plan part one)",
    "assessment_planning_meeting": "assessment planning meeting",
    "child_in_need_meeting": "child in need meeting",
    # A conference or review report shared with the family (meets a backward deadline).
    "report_shared": "report shared with the family",
}

# Deadlines that are not visits (core/deadlines.py): kind -> label.
DEADLINE_KINDS: dict[str, str] = {
    "visit_write_up": "Visit write-up",
    "initial_child_protection_conference": "Initial child protection conference",
    "core_group": "Core group meeting",
    "review_child_protection_conference": "Review child protection conference",
    "cared_for_review": "Cared-for review",
    "initial_health_assessment": "Initial health assessment",
    "review_health_assessment": "Review health assessment",
    "personal_education_plan": "Personal education plan",
    "needs_assessment": "Needs assessment (pathway plan part one)",
    "pathway_plan_review": "Pathway plan review",
    "assessment": "Child and family assessment",
    "assessment_planning_meeting": "Assessment planning meeting",
    "child_in_need_meeting": "Child in need meeting",
    "conference_report_to_family": "Conference report shared with the family",
    "review_report_to_family": "Cared-for review report shared with the family",
}

# episodes[].legal_status: reg 28(4) and 28(5) differ by it.
LEGAL_STATUSES: dict[str, str] = {
    "section_20": "Accommodated under section 20",
    "interim_care_order": "Interim care order",
    "care_order": "Care order",
    "placement_order": "Placement order",
    "remand": "Remanded (looked after)",
}

# What meets an obligation: "visit", the child seen in person; "contact", any contact with the
# child (a call, a text); "attempt", an attempt to visit, whether or not the child was seen.
DUTIES = ("visit", "contact", "attempt")

# Events of a period of care rather than of one placement: a first review held before a move
# still counts in the next placement of the same unbroken period (core/phases.py).
PERIOD_EVENTS = frozenset({"first_cared_for_review", "permanence_ratified"})

# visits[].role and rules' visiting roles
VISIT_ROLES: dict[str, str] = {
    "social_worker": "social worker",
    "personal_adviser": "personal adviser",
    "supervising_social_worker": "supervising social worker",
    "early_help_practitioner": "early help practitioner",
    "key_worker": "key worker",
    "youth_justice_case_manager": "youth justice case manager",
    "return_interview_worker": "return interview worker",
}

# plans[].kind and visits[].kind: how a worker makes contact. Only contact in person
# satisfies a visiting cadence; a personal adviser's keeping-in-touch calls, video calls and
# texts are recorded and shown, but never move a due date (see core/planning.py).
CONTACT_KINDS: dict[str, str] = {
    "home_visit": "Home visit",
    "visit_elsewhere": "Visit elsewhere",
    "phone": "Phone call",
    "video": "Video call",
    "text": "Text message",
}
IN_PERSON_CONTACT_KINDS = frozenset({"home_visit", "visit_elsewhere"})

# carers[].type: who a supervising social worker visits. Haringey visits short-term and
# long-term carers at different cadences; a connected person is a kinship carer approved for a
# named child (Care Planning, Placement and Case Review (England) Regulations 2010, reg 24 and 27).
CARER_TYPES: dict[str, str] = {
    "short_term_foster_carer": "Foster carer (short-term)",
    "long_term_foster_carer": "Foster carer (long-term)",
    "connected_person": "Connected person (kinship carer)",
}

# What meets a carer's obligation: any supervisory visit at the home, or only an unannounced one.
CARER_DUTIES = ("supervisory", "unannounced")

# Short labels for a carer's duties in notifications and calendar titles (as PLAN_TYPE_SHORT).
CARER_DUTY_SHORT: dict[str, str] = {"visit": "carer visit", "unannounced": "unannounced carer visit"}

# The events of a carer's household the engine sees, worded for explanations.
CARER_EVENT_TYPES: dict[str, str] = {"child_joined": "child joining the household"}
