@act:U1300000624
Feature: Enrolment in the Presidential personnel reserve of the special state bodies
  May this employee be nominated to, and enrolled in, the Presidential personnel reserve for the
  target position on the date asked? Rules paragraphs 1, 4 and 7 (scope), 8 (who the reserve is
  formed from), 10 part 5 (no simultaneous sending) and 20 (re-enrolment after an exclusion
  under 18.3), wording of Decree No. 853 of 23.04.2025.

  Every scenario starts from a nominee who meets every condition: a serviceman of a special
  state body with 14 years of service and higher legal education, found by the attestation
  commission on 14.03.2025 to correspond to his position and recommended for the reserve, whose
  only sanction (a remark) was lifted on 11.03.2024, nominated by the first head of his body for
  a position in the List approved by Decree No. 290 (at least 10 years of service, higher legal
  education), with the materials sent on 20.05.2025.

  Background:
    Given the example case "enrollment/eligible-nominee"

  @clause:rules.1 @clause:rules.4 @clause:rules.7 @clause:rules.8.1 @clause:rules.8.2
  @clause:rules.8.3 @clause:rules.8.part3 @clause:rules.8.part4 @clause:rules.10.part5 @clause:rules.20
  @example
  Scenario: A nominee who meets every condition may be enrolled
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "eligible"
    And the clause "rules.1" is cited as "not_triggered"
    And the clause "rules.4" is cited as "not_triggered"
    And the clause "rules.7" is cited as "not_triggered"
    And the clause "rules.8.1" is cited as "satisfied"
    And the clause "rules.8.2" is cited as "satisfied"
    And the clause "rules.8.3" is cited as "satisfied"
    And the clause "rules.8.part3" is cited as "not_triggered"
    And the clause "rules.8.part4" is cited as "not_triggered"
    And the clause "rules.10.part5" is cited as "not_triggered"
    And the clause "rules.20" is cited as "satisfied"

  # ---- Scope: paragraphs 1, 4 and 7 --------------------------------------------------------

  @clause:rules.1
  Scenario Outline: The Rules cover employees and servicemen of the special state bodies only (<body>)
    Given the fact "/employee/body" is "<body>"
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "<outcome>"
    And the clause "rules.1" is cited as "<role>"

    Examples:
      | body                   | outcome        | role          |
      | special_state_body     | eligible       | not_triggered |
      | state_security_service | eligible       | not_triggered |
      | other                  | not_applicable | ground        |

  @clause:rules.1
  Scenario: An employee who is not a serviceman is covered as well
    Given the fact "/employee/military" is false
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "eligible"
    And the clause "rules.1" is cited as "not_triggered"

  @clause:rules.4
  Scenario: A target position outside the List approved by Decree No. 290 is outside the reserve
    Given the fact "/target_position/in_presidential_list" is false
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "not_applicable"
    And the decision cites exactly "rules.4"
    And the clause "rules.4" is cited as "ground"

  @clause:rules.4
  Scenario: A target position in the List approved by Decree No. 290 is within the reserve
    Given the fact "/target_position/in_presidential_list" is true
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "eligible"
    And the clause "rules.4" is cited as "not_triggered"

  @clause:rules.7
  Scenario: The Rules do not apply to the position of the first head of a special state body
    Given the fact "/target_position/first_head_of_special_state_body" is true
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "not_applicable"
    And the decision cites exactly "rules.7"
    And the clause "rules.7" is cited as "ground"

  @clause:rules.7 @clause:rules.8.3
  Scenario: Outside the Rules, a sanction in force is not even weighed
    Given the fact "/target_position/first_head_of_special_state_body" is true
    And the fact "/employee/sanctions" gains:
      """
      {"kind": "reprimand", "imposed_on": "2025-04-02"}
      """
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "not_applicable"
    And the decision cites exactly "rules.7"
    And the decision does not cite "rules.8.3"

  @clause:rules.1 @clause:rules.4 @clause:rules.7
  Scenario: Every ground of being outside the Rules is cited
    Given the fact "/employee/body" is "other"
    And the fact "/target_position/in_presidential_list" is false
    And the fact "/target_position/first_head_of_special_state_body" is true
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "not_applicable"
    And the decision cites exactly "rules.1, rules.4, rules.7"

  # ---- 8.1: the qualification requirements of the projected position ------------------------

  @clause:rules.8.1 @boundary
  Scenario Outline: Length of service against the required minimum of 10 years (<years> years)
    Given the fact "/employee/service_years" is <years>
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "<outcome>"
    And the clause "rules.8.1" is cited as "<role>"

    Examples:
      | years | outcome    | role                |
      | 9.9   | ineligible | requirement_not_met |
      | 10    | eligible   | satisfied           |
      | 10.5  | eligible   | satisfied           |

  @clause:rules.8.1
  Scenario: An employee without the level of professional training the position requires
    Given the fact "/employee/training" is ["higher_economic_education"]
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "ineligible"
    And the decision cites exactly "rules.8.1"
    And the clause "rules.8.1" is cited as "requirement_not_met"

  @clause:rules.8.1
  Scenario Outline: Every level of training the position requires must be attained (<training>)
    Given the fact "/target_position/requirements/training" is ["higher_legal_education", "management_retraining"]
    And the fact "/employee/training" is <training>
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "<outcome>"
    And the clause "rules.8.1" is cited as "<role>"

    Examples:
      | training                                              | outcome    | role                |
      | ["management_retraining", "higher_legal_education"]   | eligible   | satisfied           |
      | ["higher_legal_education"]                            | ineligible | requirement_not_met |

  # ---- 8.2: the decision of the attestation commission -------------------------------------

  @clause:rules.8.2
  Scenario Outline: The attestation commission found the employee <decision>
    Given the fact "/employee/attestation/decision" is "<decision>"
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "<outcome>"
    And the clause "rules.8.2" is cited as "<role>"

    Examples:
      | decision                              | outcome    | role                |
      | corresponds                           | eligible   | satisfied           |
      | corresponds_recommended_for_reserve   | eligible   | satisfied           |
      | corresponds_recommended_for_promotion | eligible   | satisfied           |
      | does_not_correspond                   | ineligible | requirement_not_met |

  @clause:rules.8.2 @reading
  Scenario: An employee not subject to attestation is nominated on the results of service instead
    # Encoded reading (notes of rules.8.2): 10.1.part4 lets the submission give specific
    # indicators of service results for persons not subject to attestation, so 8.2 yields.
    Given the fact "/employee/subject_to_attestation" is false
    And the fact "/employee/attestation" is removed
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "eligible"
    And the clause "rules.8.2" is cited as "exception"

  @clause:rules.8.2 @reading
  Scenario: An employee subject to attestation whom the commission found not corresponding is not enrolled
    # The other side of the same reading: attestation binds whoever is subject to it.
    Given the fact "/employee/subject_to_attestation" is true
    And the fact "/employee/attestation" is:
      """
      {"decision": "does_not_correspond", "date": "2025-03-14"}
      """
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "ineligible"
    And the decision cites exactly "rules.8.2"

  @clause:rules.8.2 @boundary @reading
  Scenario Outline: The attestation decision counts from its date: dated <when> the day asked (01.06.2025)
    # Encoded reading (notes of rules.8.2): the decision in force on the date asked is the one
    # that counts; a decision dated later is not yet in force and does not show 8.2 is met.
    Given the fact "/employee/attestation" is {"decision": "corresponds", "date": "<date>"}
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "<outcome>"
    And the clause "rules.8.2" is cited as "<role>"

    Examples:
      | when          | date       | outcome    | role                |
      | the day before | 2025-05-31 | eligible   | satisfied           |
      | on            | 2025-06-01 | eligible   | satisfied           |
      | the day after | 2025-06-02 | ineligible | requirement_not_met |

  @clause:rules.8.2
  Scenario: An employee subject to attestation with no attestation decision on record cannot be decided
    Given the fact "/employee/attestation" is removed
    When the "enrollment" question is decided on 2025-06-01
    Then the case is refused with a problem at "/employee/attestation"

  # ---- 8.3: no disciplinary sanction at the moment the materials are sent --------------------

  @clause:rules.8.3 @boundary @reading
  Scenario Outline: A reprimand lifted <when> the materials are sent on 20.05.2025
    Given the fact "/employee/sanctions" gains:
      """
      {"kind": "reprimand", "imposed_on": "2025-01-15", "lifted_on": "<lifted>"}
      """
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "<outcome>"
    And the clause "rules.8.3" is cited as "<role>"

    Examples:
      | when               | lifted     | outcome    | role                |
      | the day before     | 2025-05-19 | eligible   | satisfied           |
      | on the day         | 2025-05-20 | eligible   | satisfied           |
      | the day after      | 2025-05-21 | ineligible | requirement_not_met |

  @clause:rules.8.3
  Scenario: A sanction still in force when the materials are sent bars the nomination
    Given the fact "/employee/sanctions" gains:
      """
      {"kind": "severe_reprimand", "imposed_on": "2025-04-02"}
      """
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "ineligible"
    And the decision cites exactly "rules.8.3"
    And the clause "rules.8.3" is cited as "requirement_not_met"

  @clause:rules.8.3 @boundary
  Scenario: A sanction imposed on the very day the materials are sent is in force at that moment
    Given the fact "/employee/sanctions" gains:
      """
      {"kind": "remark", "imposed_on": "2025-05-20"}
      """
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "ineligible"
    And the clause "rules.8.3" is cited as "requirement_not_met"

  @clause:rules.8.3 @reading
  Scenario: A sanction imposed after the materials were sent does not count under 8.3
    # Encoded reading: sanctions are checked at the moment the materials are sent. The
    # alternative named in the clause's notes (any sanction before enrolment) would refuse.
    Given the fact "/employee/sanctions" gains:
      """
      {"kind": "remark", "imposed_on": "2025-05-26"}
      """
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "eligible"
    And the clause "rules.8.3" is cited as "satisfied"

  @clause:rules.8.3
  Scenario Outline: Before the materials are sent, sanctions are checked on the day asked (<state>)
    Given the fact "/nomination/materials_sent_on" is removed
    And the fact "/employee/sanctions" gains:
      """
      {"kind": "reprimand", "imposed_on": "2025-02-03", "lifted_on": "2025-08-04"}
      """
    When the "enrollment" question is decided on <day>
    Then the outcome is "<outcome>"
    And the clause "rules.8.3" is cited as "<role>"

    Examples:
      | state                      | day        | outcome    | role                |
      | reprimand still in force   | 2025-08-03 | ineligible | requirement_not_met |
      | reprimand lifted that day  | 2025-08-04 | eligible   | satisfied           |

  # ---- 8.part3: seconded to state bodies and international organisations --------------------

  @clause:rules.8.part3
  Scenario Outline: An employee seconded to <to>, nominated by the <nominator>
    Given the fact "/employee/secondment" is {"to": "<to>", "since": "2024-09-02"}
    And the fact "/nomination/nominated_by" is "<nominator>"
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "<outcome>"
    And the clause "rules.8.part3" is cited as "<role>"

    Examples:
      | to                         | nominator                          | outcome    | role          |
      | state_body                 | first_head_of_special_state_body   | eligible   | applied       |
      | international_organisation | first_head_of_special_state_body   | eligible   | applied       |
      | state_body                 | head_of_administration_subdivision | ineligible | ground        |
      | international_organisation | other                              | ineligible | ground        |

  @clause:rules.8.part3 @clause:rules.17 @reading
  Scenario Outline: «Мемлекеттік органдарға»: is a secondment to <to> one to a state body? (nominated by another official)
    # One reading for 8.part3 and 17 (notes of both): special state, law-enforcement and civil
    # protection bodies are state bodies; the Presidential Administration (named apart, 8.part4),
    # the Armed Forces and other troops and military formations (not bodies) are not.
    Given the fact "/employee/secondment" is {"to": "<to>", "since": "2024-09-02"}
    And the fact "/nomination/nominated_by" is "other"
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "<outcome>"
    And the clause "rules.8.part3" is cited as "<role>"

    Examples:
      | to                                 | outcome    | role          |
      | state_body                         | ineligible | ground        |
      | special_or_law_enforcement_body    | ineligible | ground        |
      | civil_protection_body              | ineligible | ground        |
      | armed_forces                       | eligible   | not_triggered |
      | other_troops_or_military_formation | eligible   | not_triggered |

  @clause:rules.8.part3 @clause:rules.8.1
  Scenario: A seconded employee is nominated only when the qualification requirements are met
    Given the fact "/employee/secondment" is {"to": "international_organisation", "since": "2024-09-02"}
    And the fact "/employee/service_years" is 8
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "ineligible"
    And the decision cites exactly "rules.8.1"
    And the decision does not cite "rules.8.part3"

  @clause:rules.8.part3 @clause:rules.8.part4
  Scenario: An employee who is not seconded: the secondment clauses did not apply, and say so
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "eligible"
    And the clause "rules.8.part3" is cited as "not_triggered"
    And the clause "rules.8.part4" is cited as "not_triggered"

  @clause:rules.8.part3 @reading
  Scenario: An officer of the State Security Service on secondment, nominated by the Chief of the Service
    # One office, one name (notes of rules.8.part3): the Chief of the State Security Service is
    # the first head of that special state body, named first_head_of_special_state_body in the
    # case, in this rule and in the route's values alike.
    Given the fact "/employee/body" is "state_security_service"
    And the fact "/employee/secondment" is {"to": "state_body", "since": "2024-09-02"}
    And the fact "/nomination/nominated_by" is "first_head_of_special_state_body"
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "eligible"

  @clause:rules.8.part3 @reading
  Scenario: The Chief of the State Security Service has no second name in the case
    Given the fact "/employee/body" is "state_security_service"
    And the fact "/employee/secondment" is {"to": "state_body", "since": "2024-09-02"}
    And the fact "/nomination/nominated_by" is "chief_of_state_security_service"
    When the "enrollment" question is decided on 2025-06-01
    Then the case is refused with a problem at "/nomination/nominated_by"

  # ---- 8.part4: seconded to the Presidential Administration ----------------------------------

  @clause:rules.8.part4
  Scenario Outline: An employee seconded to the Presidential Administration, nominated by the <nominator> (agreed: <agreed>)
    Given the fact "/employee/secondment" is {"to": "presidential_administration", "since": "2023-10-02"}
    And the fact "/nomination/nominated_by" is "<nominator>"
    And the fact "/nomination/agreed_by_first_head_of_seconding_body" is <agreed>
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "<outcome>"
    And the clause "rules.8.part4" is cited as "<role>"

    Examples:
      | nominator                          | agreed | outcome    | role          |
      | head_of_administration_subdivision | true   | eligible   | applied       |
      | head_of_administration_subdivision | false  | ineligible | ground        |
      | first_head_of_special_state_body   | true   | ineligible | ground        |

  @clause:rules.8.part4
  Scenario: A submission from the Administration that does not say whether the seconding body agreed
    Given the fact "/employee/secondment" is {"to": "presidential_administration", "since": "2023-10-02"}
    And the fact "/nomination/nominated_by" is "head_of_administration_subdivision"
    When the "enrollment" question is decided on 2025-06-01
    Then the case is refused with a problem at "/nomination/agreed_by_first_head_of_seconding_body"

  # ---- 10.part5: the materials and an appointment submission are not sent at the same time ---

  @clause:rules.10.part5 @reading @boundary
  Scenario Outline: A submission to agree the candidate's appointment sent <when> the materials
    # Encoded reading (notes of rules.10.part5): "at the same time" is the same sending date.
    Given the fact "/nomination/appointment_submission_sent_on" is "<sent>"
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "<outcome>"
    And the clause "rules.10.part5" is cited as "<role>"

    Examples:
      | when             | sent       | outcome    | role          |
      | the day before   | 2025-05-19 | eligible   | not_triggered |
      | the same day as  | 2025-05-20 | ineligible | ground        |
      | the day after    | 2025-05-21 | eligible   | not_triggered |

  @clause:rules.10.part5 @clause:rules.8.3
  Scenario: Every ground of ineligibility is cited, not only the first
    Given the fact "/nomination/appointment_submission_sent_on" is "2025-05-20"
    And the fact "/employee/sanctions" gains:
      """
      {"kind": "reprimand", "imposed_on": "2025-04-02"}
      """
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "ineligible"
    And the decision cites exactly "rules.8.3, rules.10.part5"
    And the clause "rules.8.3" is cited as "requirement_not_met"
    And the clause "rules.10.part5" is cited as "ground"

  # ---- 20: one year after the grounds of an exclusion under 18.3 ceased ----------------------

  @clause:rules.20 @boundary
  Scenario Outline: Excluded under 18.3, grounds ceased on 03.06.2024, asked on <day>
    Given the fact "/employee/sanctions" gains:
      """
      {"kind": "incomplete_conformity_warning", "imposed_on": "2023-12-04", "lifted_on": "2024-06-03"}
      """
    And the fact "/employee/reserve_history" gains:
      """
      {"enrolled_on": "2023-03-30", "excluded_on": "2024-01-10", "grounds": ["rules.18.3"],
       "grounds_ceased_on": "2024-06-03"}
      """
    When the "enrollment" question is decided on <day>
    Then the outcome is "<outcome>"
    And the clause "rules.20" is cited as "<role>"

    Examples:
      | day        | outcome    | role                |
      | 2025-06-02 | ineligible | requirement_not_met |
      | 2025-06-03 | eligible   | satisfied           |
      | 2025-06-04 | eligible   | satisfied           |

  @clause:rules.20
  Scenario: Excluded under 18.3 while the grounds for exclusion still exist
    Given the fact "/employee/reserve_history" gains:
      """
      {"enrolled_on": "2023-03-30", "excluded_on": "2025-02-14", "grounds": ["rules.18.3"]}
      """
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "ineligible"
    And the decision cites exactly "rules.20"

  @clause:rules.20
  Scenario: Excluded on the employee's own report: paragraph 20 sets no waiting period
    Given the fact "/employee/reserve_history" gains:
      """
      {"enrolled_on": "2022-06-29", "excluded_on": "2025-01-20", "grounds": ["rules.18.4"]}
      """
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "eligible"
    And the clause "rules.20" is cited as "satisfied"

  @clause:rules.20 @boundary
  Scenario Outline: Grounds that ceased on 29 February 2028: the year ends on 28 February 2029 (<day>)
    Given the fact "/nomination/materials_sent_on" is "2029-02-20"
    And the fact "/employee/reserve_history" gains:
      """
      {"enrolled_on": "2026-09-28", "excluded_on": "2027-11-17", "grounds": ["rules.18.3"],
       "grounds_ceased_on": "2028-02-29"}
      """
    When the "enrollment" question is decided on <day>
    Then the outcome is "<outcome>"
    And the clause "rules.20" is cited as "<role>"

    Examples:
      | day        | outcome    | role                |
      | 2029-02-27 | ineligible | requirement_not_met |
      | 2029-02-28 | eligible   | satisfied           |

  @clause:rules.20 @reading
  Scenario Outline: A reserve spell with no exclusion is no bar and no gap (<spell>)
    # Rule 20 is guarded on the exclusion having happened: a spell that was not ended by an
    # exclusion decision (a current member, or one whose three-year term ran out) has no grounds
    # to give, and 14.part1 allows enrolment anew on a general basis.
    Given the fact "/employee/reserve_history" gains:
      """
      <record>
      """
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "eligible"
    And the clause "rules.20" is cited as "satisfied"

    Examples:
      | spell                           | record                         |
      | term ran out on 01.03.2024      | {"enrolled_on": "2021-03-01"}  |
      | a current member since 2024     | {"enrolled_on": "2024-10-15"}  |

  @clause:rules.20 @boundary
  Scenario Outline: An exclusion under 18.3 decided after the day asked is not yet a bar (<day>)
    Given the fact "/employee/reserve_history" gains:
      """
      {"enrolled_on": "2023-03-30", "excluded_on": "2025-06-01", "grounds": ["rules.18.3"]}
      """
    When the "enrollment" question is decided on <day>
    Then the outcome is "<outcome>"
    And the clause "rules.20" is cited as "<role>"

    Examples:
      | day        | outcome    | role                |
      | 2025-05-31 | eligible   | satisfied           |
      | 2025-06-01 | ineligible | requirement_not_met |

  @clause:rules.20
  Scenario: An exclusion whose grounds are not recorded cannot be weighed: the refusal names the missing grounds
    Given the fact "/employee/reserve_history" gains:
      """
      {"enrolled_on": "2023-03-30", "excluded_on": "2024-01-10"}
      """
    When the "enrollment" question is decided on 2025-06-01
    Then the case is refused with a problem at "/employee/reserve_history/0/grounds"

  # ---- 14.part1: enrolled anew on a general basis -----------------------------------------

  @clause:rules.14.part1
  Scenario Outline: A former member not appointed during the stay is enrolled anew under 14.part1 (<spell>)
    Given the fact "/employee/reserve_history" gains:
      """
      <record>
      """
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "eligible"
    And the clause "rules.14.part1" is cited as "applied"

    Examples:
      | spell                                  | record                                                                                   |
      | term ran out on 01.03.2024             | {"enrolled_on": "2021-03-01"}                                                            |
      | excluded on his own report, 20.01.2025 | {"enrolled_on": "2022-06-29", "excluded_on": "2025-01-20", "grounds": ["rules.18.4"]}    |

  @clause:rules.14.part1
  Scenario Outline: 14.part1 is not the basis of the answer when there is no ended stay (<who>)
    Given the fact "/employee/reserve_history" is <history>
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "eligible"
    And the decision does not cite "rules.14.part1"

    Examples:
      | who                                       | history                                                             |
      | never in the reserve                      | []                                                                  |
      | a current member since 2024               | [{"enrolled_on": "2024-10-15"}]                                     |
      | appointed from the reserve on 02.02.2023  | [{"enrolled_on": "2022-06-29", "appointed_on": "2023-02-02"}]       |

  @clause:rules.14.part1 @clause:rules.20
  Scenario: An ineligible former member cites only what made him ineligible
    Given the fact "/employee/reserve_history" gains:
      """
      {"enrolled_on": "2023-03-30", "excluded_on": "2025-02-14", "grounds": ["rules.18.3"]}
      """
    When the "enrollment" question is decided on 2025-06-01
    Then the outcome is "ineligible"
    And the decision cites exactly "rules.20"

  # ---- The edition the answer rests on ----------------------------------------------------

  Scenario: Before the earliest entry into force of Decree No. 853 the Rules are not encoded
    When the "enrollment" question is decided on 2025-05-03
    Then the question cannot be decided on that date

  Scenario: The answer says that the entry into force of Decree No. 853 is uncertain
    When the "enrollment" question is decided on 2025-06-01, explained
    Then the outcome is "eligible"
    And the decision warns "Recording the publication date"
    And the decision is explained
