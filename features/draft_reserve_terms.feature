@act:U1300000624 @draft:draft-hypothetical-reserve-terms
Feature: HYPOTHETICAL DRAFT, NOT LAW: the reserve terms of draft-hypothetical-reserve-terms at work
  The invented draft shipped to show the review workflow (docs/editions.md §3) lengthens the
  minimum stay before an appointment from three to six months (14, second part) and the maximum
  stay from three to five years (14, first part). The @draft tag decides every question of these
  scenarios under the draft's edition; `ereje trace --edition draft:draft-hypothetical-reserve-terms`
  accepts a changed clause only when a scenario here shows its new rule giving an answer the
  edition in force would not give.

  The member was enrolled on 30 September 2025: three months end on 30 December 2025, six months
  on 30 March 2026, three years on 30 September 2028, five years on 30 September 2030.

  Background:
    Given the example case "appointment/appointable"

  @clause:rules.14.part2 @boundary
  Scenario: Under the draft, four months in the reserve are too early: the six-month stay is not over
    When the "appointment" question is decided on 2026-02-02
    Then the outcome is "too_early"
    And the clause "rules.14.part2" is cited as "requirement_not_met"
    And the value "earliest_appointment_date" is "2026-03-30"
    And the decision warns "DRAFT"

  @clause:rules.14.part2 @boundary
  Scenario: Under the draft, exactly six months after the enrolment the member may be appointed
    When the "appointment" question is decided on 2026-03-30
    Then the outcome is "appointable"
    And the clause "rules.14.part2" is cited as "satisfied"

  @clause:rules.14.part1 @boundary
  Scenario: Under the draft, a member three years and a week in the reserve is still in it
    When the "appointment" question is decided on 2028-10-07
    Then the outcome is "appointable"
    And the clause "rules.14.part1" is cited as "satisfied"

  @clause:rules.14.part1 @boundary
  Scenario: Under the draft, the day after five years the member is no longer in the reserve
    When the "appointment" question is decided on 2030-10-01
    Then the outcome is "not_in_reserve"
    And the clause "rules.14.part1" is cited as "requirement_not_met"
