"""Report 1 (juvenile dermatomyositis with calcinosis, topical sodium thiosulfate): analysis.

Pure functions over the dict of validated tables returned by
``casebook.data.load.load_dataset("jdm-case", data_dir)``. Nothing here reads or
writes files except :func:`publish_table`, which goes through
:func:`casebook.publish.tables.write_table`.

Every output row names the data row(s) it comes from (column ``Data row``), so a
reader can check each value against ``data/jdm-case/*.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from casebook.exceptions import CasebookError

DATASET = "jdm-case"
DATA_ROW = "Data row"

# Order of finding groups in the findings table; domains not listed follow, alphabetically.
DOMAIN_ORDER = ("skin", "muscle", "constitutional", "joint")

# Printed precision of laboratory values and limits (the report prints "11.0 U/L", "19.3 U/L", "< 7.3 U/L").
# A test checks that values formatted this way appear verbatim in the printed result.
LAB_DECIMALS = 1

# The primary key column of each table of the dataset.
ID_COLUMNS = {
    "case": "case_id",
    "findings": "finding_id",
    "investigations": "investigation_id",
    "muscle_scores": "score_id",
    "treatments": "treatment_id",
    "outcomes": "outcome_id",
}

CAPTIONS = {
    "findings": "Clinical findings at presentation, grouped by domain.",
    "laboratory": "Laboratory values, with the upper reference limit and the value as a multiple of it (ULN).",
    "muscle-scores": "Muscle scores as points and as percent of the instrument's maximum.",
    "treatments": "Treatment history in the order the treatments were started, with the stated reason and response.",
    "criteria": "Bohan and Peter criteria for dermatomyositis met by the documented findings.",
    "timeline": "Case timeline: events in their known order; timing only where the report prints it.",
}


def _present(value) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value)) and value is not pd.NA and value is not pd.NaT


def known(value) -> bool:
    """True for a value the report gives: not missing, and not 'not reported' (or 'not reported separately')."""
    if not _present(value):
        return False
    return not (isinstance(value, str) and (value.strip() == "" or value.strip().lower().startswith("not reported")))


def _rows(df: pd.DataFrame, table: str) -> str:
    return "; ".join(df[ID_COLUMNS[table]].astype(str))


def _with_decimals(df: pd.DataFrame, decimals: dict[str, int]) -> pd.DataFrame:
    df.attrs["decimals"] = dict(decimals)
    return df


def the_case(tables: dict[str, pd.DataFrame]) -> pd.Series:
    """The single case row; a dataset with no case or several cases is an error."""
    case = tables["case"]
    if len(case) != 1:
        raise CasebookError(f"the {DATASET} dataset describes one case; found {len(case)} case rows")
    return case.iloc[0]


# --- Tables -----------------------------------------------------------------------------------------------------


def findings_table(tables: dict[str, pd.DataFrame], timepoint: str = "presentation") -> pd.DataFrame:
    """Findings documented at ``timepoint``, grouped by domain (skin, muscle, constitutional, joint)."""
    f = tables["findings"]
    f = f[f["timepoint"] == timepoint].copy()
    rank = {d: i for i, d in enumerate(DOMAIN_ORDER)}
    f["_domain_rank"] = f["domain"].map(lambda d: rank.get(d, len(rank)))
    f = f.sort_values(["_domain_rank", "domain", "finding_id"], kind="stable")
    out = pd.DataFrame(
        {
            "Domain": f["domain"].str.capitalize(),
            "Finding": f["finding"],
            "Site": f["site"],
            DATA_ROW: f["finding_id"],
        }
    ).reset_index(drop=True)
    return _with_decimals(out, {})


def uln_multiple(value: float, upper_limit: float) -> float:
    """Value as a multiple of the upper limit of normal, to two decimals (11.0 / 7.3 = 1.51)."""
    if not (_present(value) and _present(upper_limit)) or upper_limit <= 0:
        return float("nan")
    return round(float(value) / float(upper_limit), 2)


def lab_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Laboratory investigations: analyte, result, value, unit, upper limit, multiple of the ULN, when measured."""
    inv = tables["investigations"]
    lab = inv[inv["kind"] == "laboratory"]
    out = pd.DataFrame(
        {
            "Analyte": lab["test"].str[:1].str.upper() + lab["test"].str[1:],
            "Result": lab["result"],
            "Value": lab["value"].astype("float64"),
            "Unit": lab["unit"],
            "Upper reference limit": lab["upper_limit"].astype("float64"),
            "Limit": lab["upper_limit_source"],
            "Multiple of ULN": [uln_multiple(v, u) for v, u in zip(lab["value"], lab["upper_limit"])],
            "When measured": lab["timepoint"],
            DATA_ROW: lab["investigation_id"],
            "Note": lab["note"],
        }
    ).reset_index(drop=True)
    return _with_decimals(out, {"Value": LAB_DECIMALS, "Upper reference limit": LAB_DECIMALS, "Multiple of ULN": 2})


def percent_of_max(points: float, maximum: float) -> float:
    """Points as percent of the instrument's maximum, to one decimal (35/52 = 67.3)."""
    if not (_present(points) and _present(maximum)) or maximum <= 0:
        return float("nan")
    return round(100.0 * float(points) / float(maximum), 1)


def muscle_score_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Muscle scores: points, maximum and percent of maximum (CMAS out of 52, MMT8 out of 80)."""
    s = tables["muscle_scores"]
    out = pd.DataFrame(
        {
            "Instrument": s["instrument"],
            "Full name": s["instrument_name"],
            "Points": s["points"].astype("float64"),
            "Maximum": s["maximum"].astype("float64"),
            "Percent of maximum": [percent_of_max(p, m) for p, m in zip(s["points"], s["maximum"])],
            "When measured": s["timepoint"],
            DATA_ROW: s["score_id"],
        }
    ).reset_index(drop=True)
    return _with_decimals(out, {"Points": 0, "Maximum": 0, "Percent of maximum": 1})


def treatment_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Treatments in the order started: agent, route, regimen, concentration, timing, reason and stated response."""
    t = tables["treatments"].sort_values(["sequence", "treatment_id"], kind="stable")
    out = pd.DataFrame(
        {
            "Step": t["sequence"].astype("Int64"),
            "Agent": t["agent"],
            "As printed": t["agent_printed"],
            "Route": t["route"],
            "Regimen": t["regimen"],
            "Concentration (%)": t["concentration_pct"].astype("float64"),
            "Timing": t["timing"],
            "Months from onset": t["timing_months_from_onset"].astype("float64"),
            "Reason": t["reason"],
            "Response": t["response"],
            DATA_ROW: t["treatment_id"],
        }
    ).reset_index(drop=True)
    return _with_decimals(out, {"Concentration (%)": 0, "Months from onset": 0})


# --- Bohan and Peter criteria ------------------------------------------------------------------------------------

# Muscle enzymes named by Bohan and Peter (1975): CK, aldolase, transaminases, LDH.
MUSCLE_ENZYMES = (
    "creatine kinase",
    "aldolase",
    "lactate dehydrogenase",
    "aspartate aminotransferase",
    "alanine aminotransferase",
)
# Skin lesions typical of dermatomyositis in the criteria.
TYPICAL_RASH = ("heliotrope rash", "gottron's papules", "gottron's sign")

CRITERIA = (
    (1, "Symmetric proximal muscle weakness"),
    (2, "Elevated serum muscle enzymes"),
    (3, "Myopathic electromyogram"),
    (4, "Muscle biopsy showing myositis (necrosis, regeneration, perifascicular atrophy, inflammation)"),
    (5, "Typical skin rash (heliotrope rash, Gottron's papules or sign)"),
)
RASH_CRITERION = 5
MET, NOT_MET, NOT_DOCUMENTED = "met", "not met", "not documented"


@dataclass(frozen=True)
class Criterion:
    number: int
    criterion: str
    status: str  # met, not met, not documented
    evidence: str
    rows: tuple[str, ...]  # data rows supporting the status
    caveat: str = ""  # a part of the criterion the data do not document (weakens a 'met')
    note: str = ""  # context that does not change the status


def _weakness(tables) -> Criterion:
    f = tables["findings"]
    text = (f["finding"].fillna("") + " " + f["site"].fillna("")).str.lower()
    hits = f[(f["domain"] == "muscle") & text.str.contains("weakness") & text.str.contains("proximal")]
    n, name = CRITERIA[0]
    if hits.empty:
        return Criterion(n, name, NOT_DOCUMENTED, "no proximal muscle weakness recorded", ())
    hit_text = " ".join(text[hits.index])
    if "asymmetr" in hit_text:
        return Criterion(n, name, NOT_MET, "; ".join(hits["finding"]), tuple(hits["finding_id"]), note="asymmetric")
    caveat = "" if "symmetr" in hit_text else "symmetry of the weakness is not stated"
    return Criterion(n, name, MET, "; ".join(hits["finding"]), tuple(hits["finding_id"]), caveat)


def _enzymes(tables) -> Criterion:
    inv = tables["investigations"]
    enz = inv[(inv["kind"] == "laboratory") & inv["test"].str.lower().isin(MUSCLE_ENZYMES)]
    n, name = CRITERIA[1]
    if enz.empty:
        return Criterion(n, name, NOT_DOCUMENTED, "no muscle enzyme recorded", ())
    above = enz["value"].notna() & enz["upper_limit"].notna() & (enz["value"] > enz["upper_limit"])
    elevated = enz[above | (enz["result"].str.lower() == "elevated")]
    normal = enz.drop(elevated.index)
    if elevated.empty:
        parts = [f"{r.test} {r.result}" for r in normal.itertuples()]
        return Criterion(n, name, NOT_MET, "; ".join(parts), tuple(normal["investigation_id"]))
    parts = [f"{r.test} elevated" for r in elevated.drop_duplicates("test").itertuples()]
    note = f"{_join(list(normal['test']))} {'was' if len(normal) == 1 else 'were'} normal" if len(normal) else ""
    return Criterion(n, name, MET, "; ".join(parts), tuple(elevated["investigation_id"]) + tuple(normal["investigation_id"]),
                     note=note)


def _investigation_criterion(tables, index: int, kind: str, test: str, positive: str, absent: str) -> Criterion:
    """A criterion met by an investigation of ``kind`` whose test matches ``test`` and result matches ``positive``."""
    inv = tables["investigations"]
    rows = inv[(inv["kind"] == kind) & inv["test"].str.lower().str.contains(test)]
    n, name = CRITERIA[index]
    if rows.empty:
        return Criterion(n, name, NOT_DOCUMENTED, absent, ())
    hits = rows[rows["result"].str.lower().str.contains(positive)]
    if hits.empty:
        return Criterion(n, name, NOT_MET, "; ".join(rows["result"]), tuple(rows["investigation_id"]))
    return Criterion(n, name, MET, "; ".join(hits["result"]), tuple(hits["investigation_id"]))


def _emg(tables) -> Criterion:
    return _investigation_criterion(tables, 2, "electrophysiology", "electromyograph", "myopathic",
                                    "no electromyography recorded")


def _biopsy(tables) -> Criterion:
    return _investigation_criterion(tables, 3, "histology", "biopsy", "inflammat|necrosis|perifascicular|myositis",
                                    "no muscle biopsy recorded")


def _rash(tables) -> Criterion:
    f = tables["findings"]
    hits = f[(f["domain"] == "skin") & f["finding"].str.lower().isin(TYPICAL_RASH)]
    n, name = CRITERIA[4]
    if hits.empty:
        return Criterion(n, name, NOT_DOCUMENTED, "no heliotrope rash or Gottron's lesion recorded", ())
    return Criterion(n, name, MET, "; ".join(hits["finding"]), tuple(hits["finding_id"]))


def evaluate_criteria(tables: dict[str, pd.DataFrame]) -> list[Criterion]:
    """Evaluate the five Bohan and Peter (1975) criteria from the data rows."""
    return [rule(tables) for rule in (_weakness, _enzymes, _emg, _biopsy, _rash)]


def criteria_category(criteria: list[Criterion], count_caveated: bool = True) -> str:
    """Bohan and Peter category for dermatomyositis: rash plus >= 3 others definite, 2 probable, 1 possible.

    With ``count_caveated=False`` a criterion met only with a caveat (proximal weakness whose symmetry is not
    stated) is not counted: the strict reading.
    """
    def counts(c: Criterion) -> bool:
        return c.status == MET and (count_caveated or not c.caveat)

    by_number = {c.number: c for c in criteria}
    if RASH_CRITERION not in by_number or not counts(by_number[RASH_CRITERION]):
        return "not met (no typical rash documented)"
    others = sum(counts(c) for c in criteria if c.number != RASH_CRITERION)
    if others >= 3:
        return "definite"
    return {2: "probable", 1: "possible"}.get(others, "not met (rash only)")


def criteria_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The criteria as a table, one row each, then a row with the resulting category."""
    criteria = evaluate_criteria(tables)
    rows = [
        {"No.": c.number, "Criterion": c.criterion, "Status": c.status, "Evidence": c.evidence,
         "Comment": "; ".join(x for x in (c.caveat, c.note) if x), DATA_ROW: "; ".join(c.rows)}
        for c in criteria
    ]
    strict = criteria_category(criteria, count_caveated=False)
    category = criteria_category(criteria)
    caveat = "" if strict == category else f"{strict} if weakness of unstated symmetry is not counted"
    rows.append({"No.": pd.NA, "Criterion": "Resulting category (rash + 3 or more others: definite; + 2: probable; + 1: possible)",
                 "Status": category, "Evidence": "", "Comment": caveat, DATA_ROW: ""})
    out = pd.DataFrame(rows)
    out["No."] = out["No."].astype("Int64")
    return _with_decimals(out, {})


# --- Timeline ----------------------------------------------------------------------------------------------------

KINDS = ("presentation", "investigation", "treatment", "complication", "outcome")


@dataclass(frozen=True)
class Event:
    phase: tuple  # sort key: known order of the event (see timeline_events)
    kind: str
    label: str
    detail: str
    rows: tuple[str, ...]
    when: str = ""  # the period the data give (e.g. "at presentation"), not a date
    time_value: float | None = None  # printed timing, or None when the report gives none
    time_unit: str = ""
    time_anchor: str = ""  # what the printed timing is counted from
    anchor_rows: tuple[str, ...] = ()


def _join(words: list[str]) -> str:
    words = [w for w in words if w]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _num(x: float) -> str:
    return f"{x:g}"


def _initial_sequence(treatments: pd.DataFrame) -> int:
    """Sequence of the last 'initial' treatment step: events 'on initial treatment' come after it."""
    initial = treatments[treatments["reason"].str.lower().str.startswith("initial treatment")]
    return int(initial["sequence"].max()) if len(initial) else int(treatments["sequence"].min())


def _agent_name(t) -> str:
    """The agent with 'topical' in front when applied to the skin (e.g. 'topical sodium thiosulfate')."""
    agent = t["agent"]
    if t["route"] == "topical" and not agent.lower().startswith("topical"):
        agent = f"topical {agent}"
    return agent


def _treatment_label(t: pd.Series) -> str:
    """Short label: agent, then route and a short regimen in brackets, then the concentration."""
    label = _agent_name(t)
    extra = [t["route"]] if known(t["route"]) and t["route"] != "topical" else []
    if known(t["regimen"]) and len(t["regimen"]) <= 12:
        extra.append(t["regimen"])
    if extra:
        label += f" ({', '.join(extra)})"
    if _present(t["concentration_pct"]):
        label += f" {_num(t['concentration_pct'])} %"
    return label


def _lab_phrase(r) -> str:
    if _present(r.value):
        text = f"{r.test} {r.value:.{LAB_DECIMALS}f} {r.unit}"
        if _present(r.upper_limit):
            text += f" ({uln_multiple(r.value, r.upper_limit):.2f} × ULN)"
        return text
    return f"{r.test} {r.result}"


def _investigation_detail(inv: pd.DataFrame) -> str:
    return "; ".join(_lab_phrase(r) if r.kind == "laboratory" else f"{r.test}: {r.result}" for r in inv.itertuples())


def timeline_events(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The events of the case in their known order, with timing only where the data print it.

    The report gives three timings, each from a different anchor: age at presentation, alendronate's start
    counted from disease onset, and the assessment counted from the start of topical thiosulfate. No common
    time axis exists, so events are ordered, not dated:

    - presentation, and everything with timepoint ``presentation``, comes first;
    - treatments follow in their ``sequence``;
    - findings, investigations and scores with timepoint ``on initial treatment`` come after the last
      treatment started as 'initial treatment' and before the next step;
    - outcomes come after the last treatment of the same agent as the treatment they are counted from.

    ``dated`` is True only for events whose own timing is printed; ``time_value`` is then that printed number.
    """
    case = the_case(tables)
    f, inv, sc, tr, oc = (tables[k] for k in ("findings", "investigations", "muscle_scores", "treatments", "outcomes"))
    tr = tr.sort_values(["sequence", "treatment_id"], kind="stable")
    events: list[Event] = []

    pres_f = f[f["timepoint"] == "presentation"]
    events.append(Event(
        phase=(0, 0, 0), kind="presentation", label="Presentation",
        detail=_join(list(pres_f["finding"])),
        rows=(case["case_id"],) + tuple(pres_f["finding_id"]),
        when="at presentation",
        time_value=float(case["age_at_presentation_months"]), time_unit="months", time_anchor="birth (age)",
        anchor_rows=(case["case_id"],),
    ))
    pres_i = inv[inv["timepoint"] == "presentation"]
    if len(pres_i):
        events.append(Event(
            phase=(0, 0, 1), kind="investigation", label="Investigations at presentation",
            detail=_investigation_detail(pres_i), rows=tuple(pres_i["investigation_id"]), when="at presentation",
        ))

    for seq, step in tr.groupby("sequence", sort=True):
        labels = [_treatment_label(t) for _, t in step.iterrows()]
        labels = [labels[0][:1].upper() + labels[0][1:]] + labels[1:]
        first = step.iloc[0]
        dated = step["timing_months_from_onset"].dropna()
        reason = first["reason"]
        detail = f"reason: {reason}; response: {first['response']}"
        events.append(Event(
            phase=(int(seq), 0, 0), kind="treatment", label=_join(labels), detail=detail,
            rows=tuple(step["treatment_id"]),
            when=first["timing"] if known(first["timing"]) else "",
            time_value=float(dated.iloc[0]) if len(dated) else None,
            time_unit="months" if len(dated) else "", time_anchor="disease onset" if len(dated) else "",
        ))

    s0 = _initial_sequence(tr)
    on_f = f[f["timepoint"] == "on initial treatment"]
    if len(on_f):
        events.append(Event(
            phase=(s0, 1, 0), kind="complication", label="Complications on initial treatment",
            detail=_join([f"{r.finding} ({r.site})" if _present(r.site) else r.finding for r in on_f.itertuples()]),
            rows=tuple(on_f["finding_id"]), when="on initial treatment",
        ))
    on_i = inv[(inv["timepoint"] == "on initial treatment") & (inv["kind"] != "laboratory")]
    if len(on_i):
        events.append(Event(
            phase=(s0, 1, 1), kind="investigation", label="Imaging on initial treatment",
            detail=_investigation_detail(on_i), rows=tuple(on_i["investigation_id"]), when="on initial treatment",
        ))
    on_l = inv[(inv["timepoint"] == "on initial treatment") & (inv["kind"] == "laboratory")]
    on_s = sc[sc["timepoint"] == "on initial treatment"]
    if len(on_l) or len(on_s):
        parts = [_lab_phrase(r) for r in on_l.itertuples()]
        parts += [f"{r.instrument} {_num(r.points)}/{_num(r.maximum)} ({percent_of_max(r.points, r.maximum):.1f} %)"
                  for r in on_s.itertuples()]
        events.append(Event(
            phase=(s0, 1, 2), kind="investigation", label="Re-assessment on initial treatment",
            detail="; ".join(parts), rows=tuple(on_l["investigation_id"]) + tuple(on_s["score_id"]),
            when="on initial treatment",
        ))

    by_id = tr.set_index("treatment_id")
    for (tid, months), grp in oc.groupby(["treatment_id", "months_on_treatment"], sort=True):
        anchor = by_id.loc[tid]
        agent = _agent_name(anchor)
        last_seq = int(tr.loc[tr["agent"] == anchor["agent"], "sequence"].max())
        by_result: dict[str, list[str]] = {}
        for r in grp.itertuples():
            by_result.setdefault(r.result, []).append(r.domain)
        detail = "; ".join(res if any(d in res for d in doms) else f"{res} of {_join(doms)}" for res, doms in by_result.items())
        events.append(Event(
            phase=(last_seq, 2, 0), kind="outcome", label=f"Assessment on {agent}",
            detail=detail, rows=tuple(grp["outcome_id"]),
            time_value=float(months), time_unit="months", time_anchor=f"start of {agent}", anchor_rows=(tid,),
        ))

    events.sort(key=lambda e: e.phase)
    phases = sorted({e.phase[:2] for e in events})
    step_of = {p: i + 1 for i, p in enumerate(phases)}
    out = pd.DataFrame(
        {
            "order": range(1, len(events) + 1),
            "step": [step_of[e.phase[:2]] for e in events],
            "kind": [e.kind for e in events],
            "label": [e.label for e in events],
            "detail": [e.detail for e in events],
            "when": [e.when for e in events],
            "dated": [e.time_value is not None for e in events],
            "time_value": pd.array([e.time_value for e in events], dtype="Float64"),
            "time_unit": [e.time_unit for e in events],
            "time_anchor": [e.time_anchor for e in events],
            "timing": [timing_text(e) for e in events],
            "rows": ["; ".join(e.rows) for e in events],
            "anchor_rows": ["; ".join(e.anchor_rows) for e in events],
        }
    )
    return out


def timing_text(e: Event) -> str:
    """The printed timing of an event in words, or '' when the report gives none."""
    if e.time_value is None:
        return ""
    if e.time_anchor.startswith("birth"):
        return f"age {_num(e.time_value)} {e.time_unit}"
    if e.time_anchor.startswith("start of"):
        return f"+{_num(e.time_value)} {e.time_unit} from {e.time_anchor}"
    return f"{_num(e.time_value)} {e.time_unit} from {e.time_anchor}"


def known_intervals(events: pd.DataFrame) -> list[tuple[int, int, str]]:
    """(from order, to order, label) for each interval the data print: outcome timing counted from a treatment."""
    out = []
    for _, e in events[events["dated"] & (events["anchor_rows"] != "")].iterrows():
        anchors = set(e["anchor_rows"].split("; "))
        start = events[events["rows"].map(lambda r: bool(anchors & set(r.split("; "))))]
        start = start[start["order"] != e["order"]]
        if len(start):
            out.append((int(start["order"].iloc[0]), int(e["order"]), f"{_num(e['time_value'])} {e['time_unit']}"))
    return out


def timeline_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The timeline as a CARE-style table (order, event, detail, timing as printed or 'not reported')."""
    ev = timeline_events(tables)
    out = pd.DataFrame(
        {
            "Order": ev["order"],
            "Event": ev["label"],
            "Detail": ev["detail"],
            "Period": ev["when"],
            "Timing": ev["timing"].where(ev["dated"], "not reported"),
            DATA_ROW: ev["rows"],
        }
    )
    return _with_decimals(out, {})


# --- Output ------------------------------------------------------------------------------------------------------


def present(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with numbers formatted to their stated decimals and missing values empty, ready to print."""
    decimals = df.attrs.get("decimals", {})
    out = pd.DataFrame(index=df.index)
    for col in df.columns:
        s = df[col]
        if col in decimals:
            d = decimals[col]
            out[col] = [f"{float(v):.{d}f}" if _present(v) else "" for v in s]
        else:
            out[col] = ["" if not _present(v) else str(v) for v in s]
    out.attrs = {}
    return out


TABLE_BUILDERS = {
    "findings": findings_table,
    "laboratory": lab_table,
    "muscle-scores": muscle_score_table,
    "treatments": treatment_table,
    "criteria": criteria_table,
    "timeline": timeline_table,
}
STEMS = {
    "findings": "jdm-case-findings-at-presentation",
    "laboratory": "jdm-case-laboratory-values",
    "muscle-scores": "jdm-case-muscle-scores",
    "treatments": "jdm-case-treatment-history",
    "criteria": "jdm-case-bohan-peter-criteria",
    "timeline": "jdm-case-timeline",
}


def publish_table(name: str, tables: dict[str, pd.DataFrame], tables_dir: str = "tables"):
    """Build table ``name``, write it as CSV, Markdown and LaTeX under ``tables_dir``, return it for display."""
    from casebook.publish.tables import show_table, write_table

    if name not in TABLE_BUILDERS:
        raise CasebookError(f"unknown table {name!r}; known: {', '.join(TABLE_BUILDERS)}")
    df = present(TABLE_BUILDERS[name](tables))
    write_table(df, STEMS[name], tables_dir, caption=CAPTIONS[name])
    return show_table(df, STEMS[name])
