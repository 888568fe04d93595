"""The case timeline in CARE form: events in their known order; a timing only where the report prints one."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from casebook.reports.jdm_case.tables import (
    DATA_ROW,
    LAB_DECIMALS,
    _with_decimals,
    is_present,
    known,
    percent_of_max,
    the_case,
    uln_multiple,
)
from casebook.text import join as join_words
from casebook.text import number

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






def initial_sequence(treatments: pd.DataFrame) -> int:
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
    if is_present(t["concentration_pct"]):
        label += f" {number(t['concentration_pct'])} %"
    return label


def _lab_phrase(r) -> str:
    if is_present(r.value):
        text = f"{r.test} {r.value:.{LAB_DECIMALS}f} {r.unit}"
        if is_present(r.upper_limit):
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
    events = [
        *_presentation_events(case, f, inv),
        *_treatment_events(tr),
        *_on_initial_treatment_events(f, inv, sc, initial_sequence(tr)),
        *_outcome_events(tr, oc),
    ]
    events.sort(key=lambda e: e.phase)  # stable: events of one phase keep the order above
    return _events_frame(events)


def _presentation_events(case: pd.Series, f: pd.DataFrame, inv: pd.DataFrame) -> list[Event]:
    """Presentation (dated by the age at presentation), then the investigations done at presentation, if any."""
    pres_f = f[f["timepoint"] == "presentation"]
    events = [Event(
        phase=(0, 0, 0), kind="presentation", label="Presentation",
        detail=join_words(list(pres_f["finding"])),
        rows=(case["case_id"],) + tuple(pres_f["finding_id"]),
        when="at presentation",
        time_value=float(case["age_at_presentation_months"]), time_unit="months", time_anchor="birth (age)",
        anchor_rows=(case["case_id"],),
    )]
    pres_i = inv[inv["timepoint"] == "presentation"]
    if len(pres_i):
        events.append(Event(
            phase=(0, 0, 1), kind="investigation", label="Investigations at presentation",
            detail=_investigation_detail(pres_i), rows=tuple(pres_i["investigation_id"]), when="at presentation",
        ))
    return events


def _treatment_events(tr: pd.DataFrame) -> list[Event]:
    """One event per treatment step (the treatments sharing a ``sequence``), dated only where its start is printed."""
    events = []
    for seq, step in tr.groupby("sequence", sort=True):
        labels = [_treatment_label(t) for _, t in step.iterrows()]
        labels = [labels[0][:1].upper() + labels[0][1:]] + labels[1:]
        first = step.iloc[0]
        dated = step["timing_months_from_onset"].dropna()
        reason = first["reason"]
        detail = f"reason: {reason}; response: {first['response']}"
        events.append(Event(
            phase=(int(seq), 0, 0), kind="treatment", label=join_words(labels), detail=detail,
            rows=tuple(step["treatment_id"]),
            when=first["timing"] if known(first["timing"]) else "",
            time_value=float(dated.iloc[0]) if len(dated) else None,
            time_unit="months" if len(dated) else "", time_anchor="disease onset" if len(dated) else "",
        ))
    return events


def _on_initial_treatment_events(f: pd.DataFrame, inv: pd.DataFrame, sc: pd.DataFrame, s0: int) -> list[Event]:
    """What the data place 'on initial treatment', after treatment step ``s0``: complications, imaging, then the
    laboratory values and muscle scores of the re-assessment."""
    events = []
    on_f = f[f["timepoint"] == "on initial treatment"]
    if len(on_f):
        events.append(Event(
            phase=(s0, 1, 0), kind="complication", label="Complications on initial treatment",
            detail=join_words([f"{r.finding} ({r.site})" if is_present(r.site) else r.finding for r in on_f.itertuples()]),
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
        parts += [f"{r.instrument} {number(r.points)}/{number(r.maximum)} ({percent_of_max(r.points, r.maximum):.1f} %)"
                  for r in on_s.itertuples()]
        events.append(Event(
            phase=(s0, 1, 2), kind="investigation", label="Re-assessment on initial treatment",
            detail="; ".join(parts), rows=tuple(on_l["investigation_id"]) + tuple(on_s["score_id"]),
            when="on initial treatment",
        ))
    return events


def _outcome_events(tr: pd.DataFrame, oc: pd.DataFrame) -> list[Event]:
    """One assessment per treatment and time on it, dated from that treatment's start, placed after the last
    step of the same agent."""
    events = []
    by_id = tr.set_index("treatment_id")
    for (tid, months), grp in oc.groupby(["treatment_id", "months_on_treatment"], sort=True):
        anchor = by_id.loc[tid]
        agent = _agent_name(anchor)
        last_seq = int(tr.loc[tr["agent"] == anchor["agent"], "sequence"].max())
        events.append(Event(
            phase=(last_seq, 2, 0), kind="outcome", label=f"Assessment on {agent}",
            detail=_outcome_detail(grp), rows=tuple(grp["outcome_id"]),
            time_value=float(months), time_unit="months", time_anchor=f"start of {agent}", anchor_rows=(tid,),
        ))
    return events


def _outcome_detail(grp: pd.DataFrame) -> str:
    """The results of one assessment, each with the domains it was found in unless its words already name one."""
    by_result: dict[str, list[str]] = {}
    for r in grp.itertuples():
        by_result.setdefault(r.result, []).append(r.domain)
    return "; ".join(res if any(d in res for d in doms) else f"{res} of {join_words(doms)}" for res, doms in by_result.items())


def _events_frame(events: list[Event]) -> pd.DataFrame:
    """The sorted events as a table; ``step`` numbers the distinct phases (events sharing one are simultaneous)."""
    phases = sorted({e.phase[:2] for e in events})
    step_of = {p: i + 1 for i, p in enumerate(phases)}
    return pd.DataFrame(
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


def timing_text(e: Event) -> str:
    """The printed timing of an event in words, or '' when the report gives none."""
    if e.time_value is None:
        return ""
    if e.time_anchor.startswith("birth"):
        return f"age {number(e.time_value)} {e.time_unit}"
    if e.time_anchor.startswith("start of"):
        return f"+{number(e.time_value)} {e.time_unit} from {e.time_anchor}"
    return f"{number(e.time_value)} {e.time_unit} from {e.time_anchor}"


def known_intervals(events: pd.DataFrame) -> list[tuple[int, int, str]]:
    """(from order, to order, label) for each interval the data print: outcome timing counted from a treatment."""
    out = []
    for _, e in events[events["dated"] & (events["anchor_rows"] != "")].iterrows():
        anchors = set(e["anchor_rows"].split("; "))
        start = events[events["rows"].map(lambda r, anchors=anchors: bool(anchors & set(r.split("; "))))]
        start = start[start["order"] != e["order"]]
        if len(start):
            out.append((int(start["order"].iloc[0]), int(e["order"]), f"{number(e['time_value'])} {e['time_unit']}"))
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
