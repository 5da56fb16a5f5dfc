@act:U1300000624
Feature: Appointment from the Presidential personnel reserve (Rules, paragraphs 14, 18 and 19)
  A member of the Presidential personnel reserve may be appointed to a higher executive position
  once he or she has stayed in the reserve for at least three months, unless the President or the
  Head of his Administration decides otherwise (14, second part). The stay may not exceed three
  years (14, first part); a member excluded by the Head of the Administration (19), or with a
  ground for exclusion under 18, is no longer in the reserve to be appointed from it.

  The member of these scenarios was enrolled on 30 September 2025 for the position of head of the
  territorial department for Almaty region and is proposed for appointment as deputy head of the
  department; the minimum stay ends on 30 December 2025.

  Background:
    Given the example case "appointment/appointable"

  @clause:rules.14.part1 @clause:rules.14.part2 @clause:rules.18.1 @clause:rules.18.2 @clause:rules.18.3
  @clause:rules.18.4 @clause:rules.18.5 @clause:rules.18.6 @clause:rules.18.7 @clause:rules.18.8
  @clause:rules.19 @example
  Scenario: A member four months in the reserve, with a clean record, may be appointed
    When the "appointment" question is decided on 2026-02-02
    Then the outcome is "appointable"
    And the clause "rules.14.part1" is cited as "satisfied"
    And the clause "rules.14.part2" is cited as "satisfied"
    And the clause "rules.18.3" is cited as "not_triggered"
    And the clause "rules.19" is cited as "not_triggered"
    And the value "earliest_appointment_date" is "2025-12-30"

  # ---- 14.part2: the minimum stay of three months ------------------------------------------

  @clause:rules.14.part2 @boundary @reading
  Scenario: Exactly three months after the enrolment the member may be appointed
    When the "appointment" question is decided on 2025-12-30
    Then the outcome is "appointable"
    And the clause "rules.14.part2" is cited as "satisfied"

  @clause:rules.14.part2 @boundary @reading @example
  Scenario: The day before three months have passed it is too early, and the answer gives the earliest date
    Given the example case "appointment/too-early"
    When the "appointment" question is decided on 2025-12-29
    Then the outcome is "too_early"
    And the decision cites exactly "rules.14.part2"
    And the clause "rules.14.part2" is cited as "requirement_not_met"
    And the value "earliest_appointment_date" is "2025-12-30"

  @clause:rules.14.part2 @boundary
  Scenario Outline: Three months from the end of a month end on the last day of the shorter month
    Given the fact "/employee/reserve/enrolled_on" is "<enrolled_on>"
    When the "appointment" question is decided on <day>
    Then the outcome is "<outcome>"
    And the value "earliest_appointment_date" is "<earliest>"

    Examples:
      | enrolled_on | day        | outcome     | earliest   |
      | 2025-11-30  | 2026-02-27 | too_early   | 2026-02-28 |
      | 2025-11-30  | 2026-02-28 | appointable | 2026-02-28 |
      | 2027-11-30  | 2028-02-28 | too_early   | 2028-02-29 |
      | 2027-11-30  | 2028-02-29 | appointable | 2028-02-29 |

  @clause:rules.14.part2 @example
  Scenario: The President decides otherwise: the member may be appointed before three months
    Given the example case "appointment/appointable-by-president-decision"
    When the "appointment" question is decided on 2025-11-20
    Then the outcome is "appointable"
    And the clause "rules.14.part2" is cited as "exception"
    And the value "earliest_appointment_date" is "2025-12-30"

  @clause:rules.14.part2
  Scenario Outline: Only a decision of the President or the Head of the Administration, taken by the day, makes the exception
    Given the fact "/appointment/decision_otherwise" is:
      """
      {"author": "<author>", "decided_on": "<decided_on>"}
      """
    When the "appointment" question is decided on 2025-11-20
    Then the outcome is "<outcome>"
    And the clause "rules.14.part2" is cited as "<role>"

    Examples:
      | author                             | decided_on | outcome     | role                |
      | president                          | 2025-11-14 | appointable | exception           |
      | head_of_presidential_administration | 2025-11-14 | appointable | exception           |
      | head_of_presidential_administration | 2025-11-20 | appointable | exception           |
      | head_of_presidential_administration | 2025-11-21 | too_early   | requirement_not_met |
      | president                          | 2025-12-01 | too_early   | requirement_not_met |
      | other_official                     | 2025-11-14 | too_early   | requirement_not_met |

  # ---- 14.part1: in the reserve, and for three years at most -------------------------------

  @clause:rules.14.part1
  Scenario: Before the enrolment is approved the employee is not in the reserve
    Given the fact "/employee/reserve/enrolled_on" is "2026-03-31"
    When the "appointment" question is decided on 2026-03-20
    Then the outcome is "not_in_reserve"
    And the decision cites exactly "rules.14.part1"
    And the clause "rules.14.part1" is cited as "requirement_not_met"

  @clause:rules.14.part1 @clause:rules.18.5 @boundary
  Scenario: On the last day of the three-year term the member may still be appointed
    When the "appointment" question is decided on 2028-09-30
    Then the outcome is "appointable"
    And the clause "rules.14.part1" is cited as "satisfied"
    And the clause "rules.18.5" is cited as "not_triggered"

  @clause:rules.14.part1 @clause:rules.18.5 @boundary @example
  Scenario: The day after the three-year term the member is no longer in the reserve
    Given the example case "appointment/not-in-reserve-term-expired"
    When the "appointment" question is decided on 2028-10-01
    Then the outcome is "not_in_reserve"
    And the decision cites exactly "rules.14.part1, rules.18.5"

  # ---- 19: excluded by the Head of the Administration ---------------------------------------

  @clause:rules.19 @clause:rules.18.4 @example
  Scenario: A member excluded on his own report is not in the reserve
    Given the example case "appointment/not-in-reserve-excluded"
    When the "appointment" question is decided on 2026-09-01
    Then the outcome is "not_in_reserve"
    And the decision cites exactly "rules.18.4, rules.19"
    And the clause "rules.19" is cited as "ground"

  @clause:rules.19 @boundary
  Scenario Outline: The exclusion takes effect on the day of the Head's decision
    Given the fact "/employee/reserve/excluded_on" is "2026-08-20"
    When the "appointment" question is decided on <day>
    Then the outcome is "<outcome>"
    And the clause "rules.19" is cited as "<role>"

    Examples:
      | day        | outcome        | role          |
      | 2026-08-19 | appointable    | not_triggered |
      | 2026-08-20 | not_in_reserve | ground        |

  # ---- 18: a ground for exclusion bars appointment from the reserve --------------------------

  @clause:rules.18.1 @clause:rules.18.2 @clause:rules.18.3 @clause:rules.18.4 @clause:rules.18.6
  @clause:rules.18.7 @clause:rules.18.8
  Scenario Outline: A member with a ground for exclusion cannot be appointed from the reserve
    Given the fact "<list>" gains:
      """
      <event>
      """
    When the "appointment" question is decided on 2026-11-02
    Then the outcome is "not_in_reserve"
    And the decision cites exactly "<clause>"

    Examples:
      | list                              | event                                                                                       | clause     |
      | /employee/administrative_liability | {"decided_on": "2026-10-01", "imposed_by": "court", "guilt": "intentional"}                | rules.18.1 |
      | /employee/sanctions               | {"kind": "remark", "imposed_on": "2026-10-01", "corruption_offence": true}                  | rules.18.2 |
      | /employee/sanctions               | {"kind": "rank_reduction", "imposed_on": "2026-10-01", "corruption_offence": false}         | rules.18.3 |
      | /employee/exclusion_reports       | {"filed_on": "2026-10-01"}                                                                  | rules.18.4 |
      | /employee/sanctions               | {"kind": "dismissal_from_service", "imposed_on": "2026-10-01", "corruption_offence": false} | rules.18.6 |
      | /employee/transfers               | {"kind": "secondment", "to": "armed_forces", "since": "2026-10-01"}                         | rules.18.7 |
      | /employee/position_changes        | {"effective_on": "2026-10-01", "change": "position_lowered", "basis": "attestation_results"} | rules.18.8 |

  @clause:rules.18.7 @reading
  Scenario: A member already seconded to the Armed Forces when enrolled (on 30.09.2025) is not in the reserve for appointment
    Given the fact "/employee/transfers" is [{"kind": "secondment", "to": "armed_forces", "since": "2025-03-03"}]
    When the "appointment" question is decided on 2026-11-02
    Then the outcome is "not_in_reserve"
    And the decision cites exactly "rules.18.7"

  @clause:rules.18.7
  Scenario: A member seconded to an international organisation stays in the reserve and may be appointed
    Given the fact "/employee/transfers" gains:
      """
      {"kind": "secondment", "to": "international_organisation", "since": "2026-01-15"}
      """
    When the "appointment" question is decided on 2026-11-02
    Then the outcome is "appointable"
    And the clause "rules.18.7" is cited as "not_triggered"

  @clause:rules.14.part2 @clause:rules.14.part1
  Scenario Outline: The earliest appointment date is given only where it means something (<when>)
    When the "appointment" question is decided on <day>
    Then the outcome is "<outcome>"
    And <value>

    Examples:
      | when                  | day        | outcome        | value                                                       |
      | before the minimum    | 2025-12-29 | too_early      | the value "earliest_appointment_date" is "2025-12-30"       |
      | after the minimum     | 2025-12-30 | appointable    | the value "earliest_appointment_date" is "2025-12-30"       |
      | after the term        | 2028-10-01 | not_in_reserve | the answer gives no value "earliest_appointment_date"       |
      | before the enrolment  | 2025-09-29 | not_in_reserve | the answer gives no value "earliest_appointment_date"       |

  @clause:rules.18.3 @clause:rules.14.part2
  Scenario: Not being in the reserve takes precedence over being too early
    Given the fact "/employee/sanctions" gains:
      """
      {"kind": "incomplete_conformity_warning", "imposed_on": "2025-11-03", "corruption_offence": false}
      """
    When the "appointment" question is decided on 2025-12-01
    Then the outcome is "not_in_reserve"
    And the decision cites exactly "rules.18.3"
    And the decision does not cite "rules.14.part2"
