"""The reconciliation search on a fixture series with its own small register: it finds a planted omitted lesion and
a planted misprint, and finds nothing on the consistent series.

The fixture is a synthetic series of the sts-series schema; its register is computed from the series itself (each
claim printed as its primary reading rounds), so it is consistent by construction until a defect is planted.
"""

from __future__ import annotations

import pandas as pd
import pytest

from casebook import audit
from casebook.audit import explain, hypotheses, reconcile
from casebook.audit.compare import fmt
from casebook.audit.model import OMISSIONS, _load_functions
from casebook.audit.verdicts import declared
from casebook.data.load import load_claim_readings

pytestmark = pytest.mark.slow  # several seconds of search: make test, not make check

SEED = 7
COLUMNS = ("claim_id", "report", "location", "statement", "printed", "unit", "reading_kind", "sentence", "depends_on",
           "circular", "kind", "rule", "function", "args", "source_file", "note")


def _reports_with_omissions() -> list[str]:
    _load_functions()
    return sorted({report for report, _o in OMISSIONS.values()})


@pytest.fixture(scope="module", params=_reports_with_omissions())
def series(request, tmp_path_factory):
    """A consistent synthetic series of a report that declares an omitted row, and the report's id."""
    from casebook.registry import get

    report = request.param
    module = __import__(f"{get(report).package}.synthetic", fromlist=["write_series"])
    folder = module.write_series(tmp_path_factory.mktemp("fixture") / "series", SEED)
    claims = pd.DataFrame([dict.fromkeys(COLUMNS, "") | {"report": report, "function": "lesion_count"}])
    return report, audit.load_data(claims, {report: str(folder)})


def _spec(tables: dict) -> list[tuple[str, str, str, str, str]]:
    """(claim id, function, args, rule, reading kind) of the fixture's register."""
    m = tables["measurements"]
    # a lesion measured at week 12 with a size of two digits: a one-digit misprint of it is still a plausible size
    lesion = sorted(m.loc[(m["week"] == 12) & (m["status"] == "measured") & (m["size_mm"] >= 10), "lesion_id"])[0]
    return [
        ("fx-lesions", "lesion_count", "", "exact", "count_lesions"),
        ("fx-injections", "injection_count", "", "exact", "count_injections"),
        ("fx-w4", "mean_reduction", "week=4", "rounded", "mean_reduction"),
        ("fx-w12", "mean_reduction", "week=12", "rounded", "mean_reduction"),
        ("fx-age", "mean_age", "", "rounded", ""),
        ("fx-size", "lesion_size", f"lesion={lesion};week=12", "transcribed", ""),
        ("fx-pct", "reduction_pct", f"lesion={lesion};week=12", "rounded", ""),
    ]


def register(report: str, data, kinds: dict) -> pd.DataFrame:
    """The register of the series as it is: each claim printed as its primary reading shows at integer precision."""
    rows = []
    for cid, function, args, rule, kind in _spec(data[report]):
        claim = dict.fromkeys(COLUMNS, "") | {"claim_id": cid, "report": report, "function": function, "args": args,
                                              "rule": rule, "reading_kind": kind, "statement": cid, "location": cid}
        readings = audit.readings_for(function, audit.parse_args(args), data)
        key = kinds[kind][0] if kind else readings[0].key
        value = next(r.value for r in readings if r.key == key)
        rows.append(claim | {"printed": fmt(value, 0)})
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _search(report: str, claims: pd.DataFrame, data, readings: pd.DataFrame):
    ev = reconcile.evidence(claims, data, report, readings)
    return ev, reconcile.reconcile(ev)


def _plant(report: str, data, claims: pd.DataFrame) -> tuple[dict, pd.DataFrame, str, str, str]:
    """The series with one lesion left out of its tables and one week-12 size misprinted by one digit (the register
    transcribes the misprinted size, as a table that printed it would): the data, the register, the omitted lesion,
    the misprinted size as printed and as meant."""
    t = dict(data[report])
    size_claim = claims.set_index("claim_id").loc["fx-size"]
    lesion = audit.parse_args(size_claim["args"])["lesion"]
    les = t["lesions"]
    others = les[(les["lesion_id"] != lesion)]
    # the omitted lesion: one of a patient with another lesion, so the patient (the row's parent) stays in the table
    shared = others[others["patient_id"].duplicated(keep=False)]
    omitted = shared["lesion_id"].iloc[0]
    t["lesions"] = les[les["lesion_id"] != omitted].reset_index(drop=True)
    t["measurements"] = t["measurements"][t["measurements"]["lesion_id"] != omitted].reset_index(drop=True)
    meant = size_claim["printed"]
    misprint = next(e for e in hypotheses.digit_edits(meant) if e not in ("0",) and len(e) == len(meant))
    t = hypotheses.set_cell(t, reconcile.table_keys(report), f"measurements:{lesion}/12.size_mm", misprint)
    planted = claims.copy()
    planted.loc[planted["claim_id"] == "fx-size", "printed"] = misprint
    return type(data)({report: t}), planted, omitted, misprint, meant


def test_a_consistent_series_has_nothing_to_explain(series):
    report, data = series
    readings = load_claim_readings("")
    claims = register(report, data, declared(readings))
    _ev, rec = _search(report, claims, data, readings)
    assert rec.flagged == () and rec.steps == []


@pytest.fixture(scope="module")
def planted(series):
    """The fixture series with a planted omission and misprint, searched once: (report, data, omitted lesion,
    misprinted size as printed, as meant, evidence, reconciliation)."""
    report, data = series
    readings = load_claim_readings("")
    claims = register(report, data, declared(readings))
    data2, claims2, omitted, printed, meant = _plant(report, data, claims)
    ev, rec = _search(report, claims2, data2, readings)
    return report, data2, omitted, printed, meant, ev, rec


def test_the_search_finds_a_planted_omission_and_a_planted_misprint(planted):
    report, data2, omitted, printed, meant, ev, rec = planted
    assert {"fx-lesions", "fx-injections", "fx-pct"} <= set(rec.flagged), rec.flagged
    families = {s.hypothesis.family for s in rec.steps}
    assert "omission" in families, reconcile.steps_table(ev, rec).to_string()
    omission = next(s for s in rec.steps if s.hypothesis.family == "omission")
    assert {"fx-lesions", "fx-injections"} <= set(omission.explained)
    fixes = [s for s in rec.steps if s.hypothesis.family == "misprint"]
    explained = {c for s in fixes for c in s.explained}
    assert "fx-pct" in explained, reconcile.steps_table(ev, rec).to_string()
    # the misprinted size, or the percentage beside it: either way the search offers the size as printed -> meant
    offered = {(h.value[2], h.value[3]) for s in fixes for h in (s.hypothesis, *s.alternatives)}
    offered |= {(h.value[2], h.value[3]) for h in rec.rivals.get("fx-pct", []) if h.family == "misprint"}
    assert (printed, meant) in offered, (printed, meant, offered)
    assert not [c for c in rec.flagged if rec.finding(c) == "unexplained"], reconcile.findings_table(rec).to_string()
    assert omitted not in set(data2[report]["lesions"]["lesion_id"])


# --- the claims-audit figure: what explains each flagged claim ------------------------------------------------------

def steps_missing(reconciled: dict, moved: pd.DataFrame, key: pd.DataFrame, figure) -> list[str]:
    """Each flagged claim whose step (or 'none') is not in the figure's data, its key, or drawn beside its point."""
    from matplotlib.text import Text

    out = []
    drawn = {t.get_text() for ax in figure.axes if ax.axison for t in ax.findobj(Text)}  # the panels, not the key
    for report, (_ev, rec) in reconciled.items():
        for cid in (*rec.flagged, *rec.gaps):
            rows = moved[(moved["report"] == report) & (moved["claim_id"] == cid)]
            want = explain.mark(report, rec.step_of(cid), len(reconciled) > 1)
            if rows.empty or set(rows["mark"]) != {want} or set(rows["step"]) != {rec.step_of(cid) or ""}:
                out.append(f"{cid}: not in the figure's data with step {want}")
            elif not any(cid in str(c).split("; ") for c in key.loc[key["mark"] == want, "claims"]):
                out.append(f"{cid}: not in the key under step {want}")
            elif (rows["part"] != "").any() and want not in drawn:
                out.append(f"{cid}: step {want} not drawn")
    return out


def test_the_figure_shows_the_step_that_explains_each_flagged_claim(planted):
    """Every flagged claim of the planted series is in the figure's data with the step that explains it, in its key,
    and its step's number is drawn; the arrow of a claim a misprint explains moves to where the misprint puts it.
    Planted: a claim's row dropped from the figure's data, or its step changed, is found."""
    import matplotlib.pyplot as plt

    from casebook.audit import figures as af

    report, data2, _omitted, _printed, _meant, ev, rec = planted
    reconciled = {report: (ev, rec)}
    agreement = pd.DataFrame([{"report": report, "claim_id": c, "cause_id": ""} for c in rec.flagged])
    moved = explain.moves(reconciled, agreement)
    key = explain.figure_key(reconciled, moved)
    claims = pd.DataFrame(list(ev.claims.to_dict("records")))
    results = audit.audit(claims, data2)
    figure = af.plot_printed_vs_recomputed(audit.numeric_points(results, claims, data2), moved, key)
    assert rec.steps and steps_missing(reconciled, moved, key, figure) == []
    pct = moved[(moved["claim_id"] == "fx-pct") & (moved["part"] != "")].iloc[0]
    assert pct["printed_after"] == pct["printed"] or pct["recomputed_after"] == pct["recomputed"]
    assert (pct["printed_after"], pct["recomputed_after"]) != (pct["printed"], pct["recomputed"])
    victim = rec.flagged[0]
    assert steps_missing(reconciled, moved[moved["claim_id"] != victim], key, figure)
    wrong = moved.copy()
    wrong.loc[wrong["claim_id"] == victim, "step"] = 99
    assert steps_missing(reconciled, wrong, key, figure)
    plt.close(figure)
