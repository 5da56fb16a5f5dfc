"""Interface messages whose keys are built at run time from data ("level." + an act's level).

Listed here so that extraction (`engine/translations/babel.cfg`) finds them and the catalogue
test requires their translations; each family is keyed by the value that picks the message.
"""

from __future__ import annotations

from engine.i18n import N_

DYNAMIC_MESSAGES = (
    # change.*
    N_("change.amended"),
    N_("change.insertion"),
    N_("change.lost_force"),
    N_("change.new_wording"),
    N_("change.original"),
    # chg.*
    N_("chg.added"),
    N_("chg.changed"),
    N_("chg.lost_force"),
    N_("chg.reenacted"),
    N_("chg.removed"),
    # error.*
    N_("error.400.h"),
    N_("error.400.p"),
    N_("error.404.h"),
    N_("error.404.p"),
    N_("error.405.h"),
    N_("error.405.p"),
    N_("error.413.h"),
    N_("error.413.p"),
    N_("error.503.h"),
    N_("error.503.p"),
    N_("error.lang.h"),
    N_("error.lang.p"),
    # kind.*
    N_("kind.declarative"),
    N_("kind.rule"),
    # lang.*
    N_("lang.en"),
    N_("lang.kk"),
    N_("lang.ru"),
    # level.*
    N_("level.code"),
    N_("level.constitution"),
    N_("level.constitutional_law"),
    N_("level.decree_of_president"),
    N_("level.government_resolution"),
    N_("level.law"),
    N_("level.ministerial_order"),
    # lint.*
    N_("lint.bound"),
    N_("lint.conflict"),
    N_("lint.constant_condition"),
    N_("lint.constant_statement"),
    N_("lint.dead_exception"),
    N_("lint.dead_statement"),
    N_("lint.gap_silent_default"),
    N_("lint.gap_undecidable"),
    N_("lint.hierarchy_conflict"),
    N_("lint.hierarchy_note"),
    N_("lint.no_influence"),
    N_("lint.solver_disagreement"),
    N_("lint.unused_definition"),
    N_("lint.unused_fact"),
    N_("lint.wording_risk"),
    # nav.*
    N_("nav.acts"),
    N_("nav.compare"),
    N_("nav.monitoring"),
    N_("nav.trace"),
    N_("nav.try"),
    # result.*
    N_("result.error"),
    N_("result.failed"),
    N_("result.not_run"),
    N_("result.passed"),
    N_("result.skipped"),
    N_("result.stale"),
    # role.*
    N_("role.applied"),
    N_("role.computed"),
    N_("role.exception"),
    N_("role.ground"),
    N_("role.not_triggered"),
    N_("role.override"),
    N_("role.requirement_not_met"),
    N_("role.satisfied"),
    # sev.*
    N_("sev.error"),
    N_("sev.info"),
    N_("sev.warning"),
    # status.*
    N_("status.authoritative"),
    N_("status.unofficial"),
    N_("status.restored_unchecked"),
    # official.* (an act's official publication, by the language of the page it links)
    N_("official.kk"),
    N_("official.ru"),
    # tchg.*
    N_("tchg.added"),
    N_("tchg.changed"),
    N_("tchg.removed"),
    N_("tchg.unknown"),
    N_("tchg.unknown_after"),
    N_("tchg.unknown_before"),
    # type.*
    N_("type.array"),
    N_("type.boolean"),
    N_("type.integer"),
    N_("type.null"),
    N_("type.number"),
    N_("type.object"),
    N_("type.string"),
    # solver.* (why a solver job of `web.solving` brought back nothing: SolverJobError.reason)
    N_("solver.changed"),
    N_("solver.died"),
    N_("solver.failed"),
    N_("solver.timeout"),
)
