"""The pages in a real browser: read an act, follow a clause link, try a case (valid and not),
compare the current edition with the shipped draft, switch the language; keyboard, phone width
and no JavaScript. Each page's screenshot is saved under test-output/screenshots/."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

ACT = "U1300000624"
ELIGIBLE = "enrollment/eligible-nominee.json"


def go(page: Any, path: str) -> None:
    response = page.goto(page.base + path)
    assert response is not None and response.status == 200, (path, response and response.status)


def test_open_the_acts_then_an_act_then_follow_a_clause_link(page: Any, shot: Any) -> None:
    go(page, "/acts")
    expect(page.locator("h1")).to_have_text("Acts")
    shot(page, "01-acts")
    page.get_by_role("link", name=re.compile("^On the formation of the presidential personnel reserve")).click()
    expect(page).to_have_url(re.compile(rf"/acts/{ACT}$"))
    expect(page.locator("h1")).to_contain_text("presidential personnel reserve")
    clause = page.locator("#c-rules\\.18\\.3")
    expect(clause.locator('[lang="kk"].law')).to_contain_text("қызметіне толық сәйкес келмейтіні")
    expect(clause.locator('[lang="en"].law')).to_contain_text("warning of incomplete conformity")
    # the restored Kazakh text says what it is, not "authoritative"/official (act.yaml text_status)
    expect(clause.locator(".status-restored_unchecked")).to_contain_text("not checked against the official")
    expect(clause.locator(".status-unofficial")).to_have_text(["unofficial translation"] * 2)  # en, ru
    # a rule opens in place (details/summary: no script needed)
    clause.get_by_text("Rule", exact=True).click()
    expect(clause.locator(".rule")).to_contain_text("exclusion_sanction_imposed")
    shot(page, "02-act", full_page=False)
    shot(clause, "02b-act-clause-18.3")
    clause.get_by_role("link", name="paragraph 18, subparagraph 3)").click()
    expect(page).to_have_url(re.compile(rf"/acts/{ACT}/clauses/rules\.18\.3$"))
    expect(page.locator("h1")).to_contain_text("paragraph 18, subparagraph 3)")
    expect(page.locator("#versions-h")).to_have_text("Versions over time")
    expect(page.locator("table.versions")).to_contain_text("№ 853")
    expect(page.locator("table.scenarios, #scen-h + p")).not_to_have_count(0)
    shot(page, "03-clause-18.3")


def test_an_act_as_of_a_date_before_its_first_edition(page: Any, shot: Any) -> None:
    go(page, f"/acts/{ACT}")
    page.get_by_label("As of").fill("01.01.2013")
    page.get_by_role("button", name="Show").first.click()
    expect(page.locator(".warn-state")).to_contain_text("no encoded edition of this act is in force")
    expect(page.locator(".warn-state")).to_contain_text("28 August 2013")
    shot(page, "04-act-before-first-edition", full_page=False)


def test_try_a_case_read_the_outcome_and_its_citations(page: Any, shot: Any) -> None:
    go(page, f"/try/{ACT}/enrollment")
    page.get_by_label("Start from an example").select_option(ELIGIBLE)
    page.get_by_role("button", name="Load").click()
    expect(page.locator("#as_of")).to_have_value("01.06.2025")
    page.get_by_role("button", name="Decide", exact=True).first.click()
    outcome = page.locator(".outcome-title")
    expect(outcome).to_have_text("May be enrolled")
    expect(outcome).to_have_attribute("data-outcome", "eligible")
    # the requirements met decided it; the grounds that did not apply were only considered
    decided = page.locator(".citations.decided a.cite")
    expect(decided.first).to_have_text("rules.8.1")
    expect(page.locator(".citations.decided")).to_contain_text("satisfied")
    expect(page.locator(".citations.decided")).not_to_contain_text("not triggered")
    expect(page.locator(".citations.considered a.cite").first).to_have_text("rules.1")
    expect(page.locator(".citations.considered")).to_contain_text("not triggered")
    expect(page.locator("#permalink")).to_be_visible()
    expect(page.locator("table.facts-used")).to_contain_text("/employee/service_years")
    shot(page, "05-try-outcome", full_page=False)
    shot(page, "05b-try-outcome-full-page")
    # a citation leads to the clause, as it stood on the decision date
    page.locator("a.cite", has_text="rules.8.1").click()
    expect(page).to_have_url(re.compile(rf"/acts/{ACT}/clauses/rules\.8\.1\?as_of=2025-06-01$"))
    expect(page.locator(".state")).to_contain_text("1 June 2025")


def test_an_invalid_case_shows_the_error_next_to_the_field(page: Any, shot: Any) -> None:
    go(page, f"/try/{ACT}/enrollment?example={ELIGIBLE}")
    body = page.locator("#fld-employee-body")
    body.select_option("")  # required, now not given
    years = page.locator("#fld-employee-service_years")
    years.fill("many")
    page.get_by_role("button", name="Decide", exact=True).first.click()
    expect(page.locator("#errors")).to_be_visible()
    expect(page.locator("#errors")).to_be_focused()  # the script brings the problems to the reader
    expect(page.locator("#fld-employee-body-e")).to_contain_text("Required.")
    expect(page.locator("#fld-employee-body")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#fld-employee-service_years-e")).to_contain_text("Expected a number.")
    expect(years).to_have_value("many")
    expect(page.locator(".outcome-title")).to_have_count(0)
    shot(page, "06-try-error-summary", full_page=False)
    # the summary links to the field
    page.locator("#errors a", has_text="Special state body").click()
    expect(page).to_have_url(re.compile("#fld-employee-body$"))
    page.evaluate("() => window.scrollBy(0, -150)")
    shot(page, "06b-try-field-errors", full_page=False)


def test_rows_are_added_and_removed_in_place(page: Any, shot: Any) -> None:
    go(page, f"/try/{ACT}/enrollment?example={ELIGIBLE}")
    sanctions = page.locator('[data-rows="/employee/sanctions"]')
    rows = sanctions.locator(":scope > .row-list > [data-row]")
    expect(rows).to_have_count(1)
    url = page.url
    sanctions.get_by_role("button", name="Add a row").click()
    expect(rows).to_have_count(2)
    assert page.url == url  # no round trip
    new_kind = page.locator('select[name="f:/employee/sanctions/1/kind"]')
    expect(new_kind).to_be_focused()
    new_kind.select_option('"rank_reduction"')
    page.locator('input[name="f:/employee/sanctions/1/imposed_on"]').fill("15.05.2025")
    rows.nth(1).scroll_into_view_if_needed()
    shot(page, "07-try-row-added", full_page=False)
    page.get_by_role("button", name="Decide", exact=True).first.click()
    # a sanction imposed before the materials were sent (20.05.2025): 8.3 refuses the nominee
    expect(page.locator(".outcome-title")).to_have_attribute("data-outcome", "ineligible")
    expect(page.locator(".citations.decided")).to_contain_text("rules.8.3")
    sanctions = page.locator('[data-rows="/employee/sanctions"]')
    rows = sanctions.locator(":scope > .row-list > [data-row]")
    expect(rows).to_have_count(2)
    rows.nth(1).get_by_role("button", name="Remove this row").click()
    expect(rows).to_have_count(1)
    page.get_by_role("button", name="Decide", exact=True).first.click()
    expect(page.locator(".outcome-title")).to_have_attribute("data-outcome", "eligible")


def test_compare_the_current_edition_with_the_draft_and_see_the_change(page: Any, shot: Any) -> None:
    go(page, "/compare")
    page.get_by_label("Act", exact=True).select_option(ACT)
    page.locator("#from").select_option("U1300000624@U2500000853")
    page.locator("#to").select_option("draft:draft-hypothetical-reserve-terms")
    page.get_by_role("button", name="Compare").click()
    change = page.locator("#chg-rules\\.14\\.part1")
    expect(change.locator("del", has_text="three")).to_be_visible()
    expect(change.locator("ins", has_text="five")).to_be_visible()
    expect(change.locator("del", has_text="үш")).to_be_visible()
    expect(change.locator("ins", has_text="бес")).to_be_visible()
    expect(change.locator(".rule-changes")).to_contain_text("changed from 3 years to 5 years")
    expect(page.locator("#dc-appointment")).to_contain_text("Appointment")
    expect(page.locator("table.witnesses").first).to_be_visible()
    expect(page.locator("table.impact")).to_be_visible()
    shot(page, "08-compare", full_page=False)
    change.scroll_into_view_if_needed()
    shot(page, "08b-compare-14-part1", full_page=False)
    shot(page, "08c-compare-full")
    # a witness case can be tried under each side
    page.locator("#dc-appointment").get_by_role("button", name="Try it after").first.click()
    expect(page.locator(".warnings")).to_contain_text("DRAFT")
    expect(page.locator(".outcome-title")).to_be_visible()


def test_switch_language_and_it_persists(page: Any, shot: Any) -> None:
    go(page, f"/acts/{ACT}?as_of=2025-06-01")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Қазақша").click()
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page).to_have_url(re.compile(rf"/acts/{ACT}\?as_of=2025-06-01$"))  # back where it was
    expect(page.locator(".state")).to_contain_text("2025 жылғы 1 маусымдағы жағдай бойынша")
    expect(page.get_by_role("button", name="Көрсету").first).to_be_visible()
    shot(page, "09-act-kk", full_page=False)
    # the choice persists on the next page
    page.get_by_role("link", name="Жағдайды тексеру").click()
    expect(page.locator("h1")).to_have_text("Жағдайды тексеру")
    go(page, f"/try/{ACT}/enrollment?example={ELIGIBLE}")
    page.get_by_role("button", name="Шешу", exact=True).first.click()
    expect(page.locator(".outcome-title")).to_have_text("Резервке алынуы мүмкін")
    expect(page.locator(".citations [lang=kk].law").first).to_be_visible()
    shot(page, "10-try-outcome-kk", full_page=False)
    go(page, "/acts")
    expect(page.locator("h1")).to_have_text("Актілер")
    shot(page, "11-acts-kk")
    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_have_text("Acts")


def test_traceability_and_monitoring(page: Any, shot: Any) -> None:
    go(page, f"/trace?act={ACT}")
    expect(page.locator("h1")).to_have_text("Traceability")
    matrix = page.locator("table.matrix, .note")
    expect(matrix.first).to_be_visible()
    shot(page, "12-traceability", full_page=False)
    page.get_by_label("only the gaps").check()
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile("gaps=1"))
    shot(page, "13-traceability-gaps", full_page=False)
    go(page, "/monitoring?as_of=01.06.2025")
    expect(page.locator("table.stability")).to_be_visible()
    expect(page.locator("table.findings")).to_be_visible()
    shot(page, "14-monitoring", full_page=False)


def test_keyboard_skip_link_and_visible_focus(page: Any) -> None:
    go(page, f"/acts/{ACT}")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0  # shown when focused
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline not in ("none", "")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # tabbing on reaches the first link of the content, with a visible outline
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.tagName, getComputedStyle(document.activeElement).outlineStyle]")
    assert focused[0] in ("A", "BUTTON", "INPUT", "SUMMARY") and focused[1] != "none"


def test_readable_at_phone_width(page: Any, shot: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    for path, name in (("/acts", "15-phone-acts"), (f"/acts/{ACT}/clauses/rules.18.3", "16-phone-clause"),
                       (f"/try/{ACT}/enrollment?example={ELIGIBLE}", "17-phone-try")):
        go(page, path)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at 390px"
        shot(page, name, full_page=False)
    # the two texts of a clause stack at phone width
    go(page, f"/acts/{ACT}/clauses/rules.18.3")
    texts = page.locator(".texts .text")
    a, b = texts.nth(0).bounding_box(), texts.nth(1).bounding_box()
    assert a is not None and b is not None and b["y"] > a["y"] + a["height"] - 1


def test_everything_reads_and_decides_without_javascript(nojs_page: Any, shot: Any) -> None:
    page = nojs_page
    go(page, f"/acts/{ACT}")
    expect(page.locator("#c-rules\\.18\\.3")).to_be_visible()
    go(page, f"/try/{ACT}/enrollment?example={ELIGIBLE}")
    # "Add a row" submits the form and the server adds it
    page.locator('[data-rows="/employee/sanctions"]').get_by_role("button", name="Add a row").click()
    expect(page.locator('[data-rows="/employee/sanctions"] > .row-list > [data-row]')).to_have_count(2)
    page.locator('select[name="f:/employee/sanctions/1/kind"]').select_option('"reprimand"')
    page.locator('input[name="f:/employee/sanctions/1/imposed_on"]').fill("2025-05-10")
    page.get_by_role("button", name="Decide", exact=True).first.click()
    expect(page.locator(".outcome-title")).to_have_attribute("data-outcome", "ineligible")
    # the JSON alternative
    page.get_by_text("Or paste the case as JSON").click()
    page.locator("#case_json").fill('{"employee": {}}')
    page.get_by_role("button", name="Decide this JSON").click()
    expect(page.locator("#errors")).to_contain_text("Required.")
    shot(page, "18-nojs-json-errors", full_page=False)
