@act:U1300000624
Feature: Exclusion from the Presidential personnel reserve (Rules, paragraphs 14, 18 and 19)
  An employee enrolled in the Presidential personnel reserve is excluded from it where one of the
  grounds of paragraph 18 exists: a court's administrative penalty for an intentional offence,
  disciplinary liability for a corruption offence, one of three disciplinary sanctions, the
  employee's own report, the expiry of the three-year term of paragraph 14, dismissal from
  service, a transfer or secondment to a body that paragraph 18.7 lists, or a lower position after
  attestation. Every ground found is cited. The Head of the Presidential Administration takes the
  decision on the materials of the personnel subdivision (paragraph 19).

  The member of these scenarios was enrolled on 30 September 2025. Since then an authorised body
  fined him out of court, he was reprimanded (not for a corruption offence), moved to an equal
  position on a reorganisation and seconded to a state body: none of this is a ground.

  Background:
    Given the example case "exclusion/retain-no-ground"

  @clause:rules.14.part1 @clause:rules.18.1 @clause:rules.18.2 @clause:rules.18.3 @clause:rules.18.4
  @clause:rules.18.5 @clause:rules.18.6 @clause:rules.18.7 @clause:rules.18.8 @example
  Scenario: A member with no ground for exclusion stays in the reserve
    When the "exclusion" question is decided on 2026-11-02
    Then the outcome is "retain"
    And the clause "rules.14.part1" is cited as "satisfied"
    And the clause "rules.18.1" is cited as "not_triggered"
    And the clause "rules.18.2" is cited as "not_triggered"
    And the clause "rules.18.3" is cited as "not_triggered"
    And the clause "rules.18.4" is cited as "not_triggered"
    And the clause "rules.18.5" is cited as "not_triggered"
    And the clause "rules.18.6" is cited as "not_triggered"
    And the clause "rules.18.7" is cited as "not_triggered"
    And the clause "rules.18.8" is cited as "not_triggered"

  @clause:rules.19
  Scenario: The Head of the Presidential Administration decides the exclusion on the personnel subdivision's materials
    Given the fact "/employee/exclusion_reports" gains:
      """
      {"filed_on": "2026-10-05"}
      """
    When the "exclusion" question is decided on 2026-10-12
    Then the outcome is "exclude"
    And the value "excluding_authority" is "head_of_presidential_administration"
    And the value "materials_submitted_by" is "personnel_subdivision_of_special_state_body"
    And the value "materials_submitted_to" is "military_security_and_defence_department"
    And the decision does not cite "rules.19"

  @clause:rules.19
  Scenario: The answer rests on the No. 853 wording, whose publication date is not recorded
    When the "exclusion" question is decided on 2026-11-02
    Then the outcome is "retain"
    And the decision warns "U2500000853"

  # ---- 14.part1 and 18.5: the three-year term ----------------------------------------------

  @clause:rules.14.part1 @clause:rules.18.5 @boundary @reading
  Scenario: On the last day of the three-year term the member is still in the reserve
    When the "exclusion" question is decided on 2028-09-30
    Then the outcome is "retain"
    And the clause "rules.14.part1" is cited as "satisfied"
    And the clause "rules.18.5" is cited as "not_triggered"

  @clause:rules.14.part1 @clause:rules.18.5 @boundary @reading @example
  Scenario: From the day after the three-year term the member is excluded under 18.5 with the term of 14
    Given the example case "exclusion/exclude-term-expired"
    When the "exclusion" question is decided on 2028-10-01
    Then the outcome is "exclude"
    And the decision cites exactly "rules.14.part1, rules.18.5"
    And the clause "rules.14.part1" is cited as "requirement_not_met"
    And the clause "rules.18.5" is cited as "ground"

  @clause:rules.14.part1 @clause:rules.18.5 @boundary
  Scenario Outline: A member enrolled on 29 February: the term ends on 28 February three years on
    Given the fact "/employee/reserve/enrolled_on" is "2028-02-29"
    When the "exclusion" question is decided on <day>
    Then the outcome is "<outcome>"

    Examples:
      | day        | outcome |
      | 2031-02-28 | retain  |
      | 2031-03-01 | exclude |

  # ---- 18.1: administrative liability in court for an intentional offence ------------------

  @clause:rules.18.1 @example
  Scenario: A court brings the member to administrative liability for an intentional offence
    Given the example case "exclusion/exclude-court-intentional-offence"
    When the "exclusion" question is decided on 2026-06-15
    Then the outcome is "exclude"
    And the decision cites exactly "rules.18.1"
    And the clause "rules.18.1" is cited as "ground"

  @clause:rules.18.1
  Scenario Outline: Only a court's decision, and only for an intentional offence, is a ground under 18.1
    Given the fact "/employee/administrative_liability/0/imposed_by" is "<imposed_by>"
    And the fact "/employee/administrative_liability/0/guilt" is "<guilt>"
    When the "exclusion" question is decided on 2026-11-02
    Then the outcome is "<outcome>"

    Examples:
      | imposed_by      | guilt       | outcome |
      | court           | intentional | exclude |
      | court           | negligent   | retain  |
      | authorised_body | intentional | retain  |
      | authorised_body | negligent   | retain  |

  @clause:rules.18.1 @reading
  Scenario: A court decision from before the enrolment is not a ground for exclusion
    Given the fact "/employee/administrative_liability/0/imposed_by" is "court"
    And the fact "/employee/administrative_liability/0/decided_on" is "2025-06-10"
    When the "exclusion" question is decided on 2026-11-02
    Then the outcome is "retain"
    And the clause "rules.18.1" is cited as "not_triggered"

  @clause:rules.18.1 @boundary @reading
  Scenario Outline: A court decision counts from its own date, and not before the day asked about
    Given the fact "/employee/administrative_liability/0/imposed_by" is "court"
    And the fact "/employee/administrative_liability/0/decided_on" is "2026-05-20"
    When the "exclusion" question is decided on <day>
    Then the outcome is "<outcome>"

    Examples:
      | day        | outcome |
      | 2026-05-19 | retain  |
      | 2026-05-20 | exclude |

  # ---- 18.2: disciplinary liability for a corruption offence --------------------------------

  @clause:rules.18.2 @example
  Scenario: A reprimand for a corruption offence excludes the member, although a reprimand is not a sanction of 18.3
    Given the example case "exclusion/exclude-corruption-offence"
    When the "exclusion" question is decided on 2026-03-02
    Then the outcome is "exclude"
    And the decision cites exactly "rules.18.2"

  @clause:rules.18.2 @reading
  Scenario: A corruption sanction already lifted is still a ground: the member was brought to liability
    Given the fact "/employee/sanctions/0/corruption_offence" is true
    And the fact "/employee/sanctions/0/lifted_on" is "2026-10-14"
    When the "exclusion" question is decided on 2026-11-02
    Then the outcome is "exclude"
    And the decision cites exactly "rules.18.2"

  @clause:rules.18.2 @clause:rules.18.3
  Scenario: A warning of incomplete conformity for a corruption offence is a ground twice over
    Given the fact "/employee/sanctions" gains:
      """
      {"kind": "incomplete_conformity_warning", "imposed_on": "2026-09-01", "corruption_offence": true}
      """
    When the "exclusion" question is decided on 2026-11-02
    Then the outcome is "exclude"
    And the decision cites exactly "rules.18.2, rules.18.3"

  @clause:rules.18.2
  Scenario: A sanction without its corruption link recorded cannot be weighed
    Given the fact "/employee/sanctions/0/corruption_offence" is removed
    When the "exclusion" question is decided on 2026-11-02
    Then the case is refused with a problem at "/employee/sanctions/0"

  # ---- 18.3: three disciplinary sanctions --------------------------------------------------

  @clause:rules.18.3 @reading
  Scenario Outline: Only the three sanctions of 18.3 are a ground under it
    Given the fact "/employee/sanctions/0/kind" is "<kind>"
    When the "exclusion" question is decided on 2026-11-02
    Then the outcome is "<outcome>"

    Examples:
      | kind                          | outcome |
      | incomplete_conformity_warning | exclude |
      | dismissal_from_position       | exclude |
      | rank_reduction                | exclude |
      | remark                        | retain  |
      | reprimand                     | retain  |
      | severe_reprimand              | retain  |
      | other                         | retain  |

  @clause:rules.18.3 @reading
  Scenario: A reduction in rank imposed while in the reserve is a ground even once lifted
    Given the fact "/employee/sanctions" gains:
      """
      {"kind": "rank_reduction", "imposed_on": "2026-02-16", "lifted_on": "2026-08-17", "corruption_offence": false}
      """
    When the "exclusion" question is decided on 2026-11-02
    Then the outcome is "exclude"
    And the decision cites exactly "rules.18.3"

  @clause:rules.18.3 @reading @boundary
  Scenario Outline: A sanction imposed before the enrolment day is not a ground; one imposed on it is
    Given the fact "/employee/sanctions" gains:
      """
      {"kind": "incomplete_conformity_warning", "imposed_on": "<imposed_on>", "corruption_offence": false}
      """
    When the "exclusion" question is decided on 2026-11-02
    Then the outcome is "<outcome>"

    Examples:
      | imposed_on | outcome |
      | 2025-09-29 | retain  |
      | 2025-09-30 | exclude |

  @clause:rules.18.3 @clause:rules.18.6 @example
  Scenario: A warning of incomplete conformity and a dismissal from service: both grounds are cited
    Given the example case "exclusion/exclude-sanction-and-dismissal"
    When the "exclusion" question is decided on 2026-08-03
    Then the outcome is "exclude"
    And the decision cites exactly "rules.18.3, rules.18.6"
    And the clause "rules.18.3" is cited as "ground"
    And the clause "rules.18.6" is cited as "ground"

  @clause:rules.18.3 @clause:rules.18.8
  Scenario: A demotion by disciplinary sanction is 18.3, not the attestation ground of 18.8
    Given the fact "/employee/sanctions" gains:
      """
      {"kind": "dismissal_from_position", "imposed_on": "2026-09-07", "corruption_offence": false}
      """
    And the fact "/employee/position_changes" gains:
      """
      {"effective_on": "2026-09-14", "change": "transferred_to_lower_position", "basis": "disciplinary_sanction"}
      """
    When the "exclusion" question is decided on 2026-11-02
    Then the outcome is "exclude"
    And the decision cites exactly "rules.18.3"
    And the decision does not cite "rules.18.8"

  @clause:rules.18.3 @clause:rules.18.8 @reading
  Scenario: A demotion in position recorded only as a position change is not where 18.3 looks
    # Notes of rules.18.3: a disciplinary demotion in position is recorded as a sanction of kind
    # dismissal_from_position; the position change it brings is no ground by itself.
    Given the fact "/employee/position_changes" gains:
      """
      {"effective_on": "2026-09-14", "change": "position_lowered", "basis": "disciplinary_sanction"}
      """
    When the "exclusion" question is decided on 2026-11-02
    Then the outcome is "retain"
    And the clause "rules.18.3" is cited as "not_triggered"
    And the clause "rules.18.8" is cited as "not_triggered"

  # ---- 18.4: the member's own report -------------------------------------------------------

  @clause:rules.18.4 @example
  Scenario: The member submits a report asking to be excluded
    Given the example case "exclusion/exclude-own-report"
    When the "exclusion" question is decided on 2026-10-12
    Then the outcome is "exclude"
    And the decision cites exactly "rules.18.4"

  @clause:rules.18.4 @boundary
  Scenario: A report dated after the day asked about is not yet a ground
    Given the fact "/employee/exclusion_reports" gains:
      """
      {"filed_on": "2026-11-03"}
      """
    When the "exclusion" question is decided on 2026-11-02
    Then the outcome is "retain"
    And the clause "rules.18.4" is cited as "not_triggered"

  # ---- 18.6: dismissal from service --------------------------------------------------------

  @clause:rules.18.6
  Scenario: The member is dismissed from service in the special state bodies
    Given the fact "/employee/dismissed_from_service_on" is "2026-10-30"
    When the "exclusion" question is decided on 2026-11-02
    Then the outcome is "exclude"
    And the decision cites exactly "rules.18.6"

  @clause:rules.18.6
  Scenario: A disciplinary sanction of dismissal from service is a dismissal from service
    Given the fact "/employee/sanctions" gains:
      """
      {"kind": "dismissal_from_service", "imposed_on": "2026-10-30", "corruption_offence": false}
      """
    When the "exclusion" question is decided on 2026-11-02
    Then the outcome is "exclude"
    And the decision cites exactly "rules.18.6"

  # ---- 18.7: transfer or secondment to a listed body ---------------------------------------

  @clause:rules.18.7 @example
  Scenario: A member seconded to a law-enforcement body is excluded
    Given the example case "exclusion/exclude-seconded-to-law-enforcement"
    When the "exclusion" question is decided on 2026-09-14
    Then the outcome is "exclude"
    And the decision cites exactly "rules.18.7"

  @clause:rules.18.7 @reading
  Scenario Outline: Secondments and transfers to the bodies 18.7 lists exclude; the others keep the member
    Given the fact "/employee/transfers/0/kind" is "<kind>"
    And the fact "/employee/transfers/0/to" is "<to>"
    When the "exclusion" question is decided on 2026-11-02
    Then the outcome is "<outcome>"

    Examples:
      | kind       | to                                 | outcome |
      | secondment | special_or_law_enforcement_body    | exclude |
      | transfer   | special_or_law_enforcement_body    | exclude |
      | secondment | civil_protection_body              | exclude |
      | transfer   | civil_protection_body              | exclude |
      | secondment | armed_forces                       | exclude |
      | transfer   | armed_forces                       | exclude |
      | secondment | other_troops_or_military_formation | exclude |
      | transfer   | other_troops_or_military_formation | exclude |
      | secondment | state_body                         | retain  |
      | secondment | international_organisation         | retain  |
      | secondment | presidential_administration        | retain  |
      | transfer   | presidential_administration        | retain  |

  @clause:rules.18.7 @reading @boundary
  Scenario Outline: A secondment to the Armed Forces under way when the member was enrolled on 30.09.2025 (<state>)
    # Encoded reading (notes of rules.18.7): «ауыстырған (іссапарға жіберген)» describes a state; a
    # transfer or secondment under way at any time during the stay counts, whenever it started.
    Given the fact "/employee/transfers" is:
      """
      [{"kind": "secondment", "to": "armed_forces", "since": "2025-03-03"<ended>}]
      """
    When the "exclusion" question is decided on 2026-11-02
    Then the outcome is "<outcome>"
    And the clause "rules.18.7" is cited as "<role>"

    Examples:
      | state                                 | ended                         | outcome | role          |
      | still serving there                   |                               | exclude | ground        |
      | ended the day after the enrolment     | , "ended_on": "2025-10-01"    | exclude | ground        |
      | ended on the day of the enrolment     | , "ended_on": "2025-09-30"    | retain  | not_triggered |

  @clause:rules.18.7 @boundary
  Scenario Outline: A transfer to a listed body that starts after the day asked is not yet a ground (<day>)
    Given the fact "/employee/transfers" is [{"kind": "transfer", "to": "civil_protection_body", "since": "2026-11-02"}]
    When the "exclusion" question is decided on <day>
    Then the outcome is "<outcome>"

    Examples:
      | day        | outcome |
      | 2026-11-01 | retain  |
      | 2026-11-02 | exclude |

  @clause:rules.18.7
  Scenario: A secondment to the Presidential Administration keeps the member in the reserve
    Given the fact "/employee/transfers/0/to" is "presidential_administration"
    When the "exclusion" question is decided on 2026-11-02
    Then the outcome is "retain"
    And the clause "rules.18.7" is cited as "not_triggered"

  # ---- 18.8: a lower position after attestation --------------------------------------------

  @clause:rules.18.8 @example
  Scenario: The member's position is lowered on the results of attestation
    Given the example case "exclusion/exclude-lowered-after-attestation"
    When the "exclusion" question is decided on 2026-12-14
    Then the outcome is "exclude"
    And the decision cites exactly "rules.18.8"

  @clause:rules.18.8
  Scenario Outline: A move to a lower position is a ground under 18.8 only on the results of attestation
    Given the fact "/employee/position_changes/0/change" is "<change>"
    And the fact "/employee/position_changes/0/basis" is "<basis>"
    When the "exclusion" question is decided on 2026-11-02
    Then the outcome is "<outcome>"

    Examples:
      | change                        | basis               | outcome |
      | position_lowered              | attestation_results | exclude |
      | transferred_to_lower_position | attestation_results | exclude |
      | transferred_to_equal_position | attestation_results | retain  |
      | transferred_to_lower_position | reorganisation      | retain  |
      | position_lowered              | own_request         | retain  |

  # ---- all grounds at once -----------------------------------------------------------------

  @clause:rules.18.1 @clause:rules.18.4 @clause:rules.18.7 @clause:rules.18.8
  Scenario: Every ground found is cited
    Given the fact "/employee/administrative_liability" gains:
      """
      {"decided_on": "2026-07-08", "imposed_by": "court", "guilt": "intentional"}
      """
    And the fact "/employee/exclusion_reports" gains:
      """
      {"filed_on": "2026-08-03"}
      """
    And the fact "/employee/transfers" gains:
      """
      {"kind": "transfer", "to": "civil_protection_body", "since": "2026-09-01"}
      """
    And the fact "/employee/position_changes" gains:
      """
      {"effective_on": "2026-06-01", "change": "position_lowered", "basis": "attestation_results"}
      """
    When the "exclusion" question is decided on 2026-11-02
    Then the outcome is "exclude"
    And the decision cites exactly "rules.18.1, rules.18.4, rules.18.7, rules.18.8"
    And the decision does not cite "rules.18.5"
