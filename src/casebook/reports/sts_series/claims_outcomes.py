"""Recompute functions for report 2's claims on lesion sizes, reductions and remission."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd

from casebook.audit.compare import fmt
from casebook.audit.model import Grim, Reading, Tables, recompute
from casebook.audit.readings import F, mean, percent, rows
from casebook.reports.sts_series.claim_rows import (
    _followed_lesions,
    _joined_rows,
    _measured,
    _patients,
    _pct_from_sizes,
)

# --- sts-series: sizes and reductions ------------------------------------------------------------

@recompute("lesion_size", cell="measurements:{lesion}/{week}.size_mm")
def lesion_size(data: Tables, lesion: str, week: str) -> list[Reading]:
    r = [x for x in _joined_rows(data) if x["lesion_id"] == lesion and x["week"] == int(week)]
    if len(r) != 1 or r[0]["status"] != "measured":
        return [Reading(f"size of {lesion} at week {week}", None, "not measured")]
    return [Reading(f"size of {lesion} at week {week} (transcribed)", F(r[0]["size_mm"]),
                    f"measurements.csv {lesion} week {week} size_mm = {fmt(F(r[0]['size_mm']))}")]


@recompute("reduction_pct", cell="measurements:{lesion}/{week}.reduction_printed_pct")
def reduction_pct(data: Tables, lesion: str, week: str) -> list[Reading]:
    r = [x for x in _measured(data, int(week)) if x["lesion_id"] == lesion]
    if len(r) != 1:
        return [Reading(f"reduction of {lesion} at week {week}", None, "not measured")]
    r = r[0]
    value = _pct_from_sizes(r)
    b, s = F(r["baseline_mm"]), F(r["size_mm"])
    return [Reading("from the sizes", value, f"({fmt(b)}-{fmt(s)})/{fmt(b)} × 100 = {fmt(value)}%")]


def _lesion_pcts(m: pd.DataFrame) -> tuple[list, list]:
    records = rows(m)
    printed = [(r["lesion_id"], F(r["reduction_printed_pct"])) for r in records]
    sizes = [(r["lesion_id"], _pct_from_sizes(r)) for r in records]
    return printed, sizes


def _by_patient(m: pd.DataFrame, pct) -> dict[str, list[Fraction]]:
    """Each patient's values (patients sorted, lesions in table order)."""
    out: dict[str, list[Fraction]] = {}
    for r in rows(m):
        out.setdefault(r["patient_id"], []).append(pct(r))
    return dict(sorted(out.items()))


def _per_patient(m: pd.DataFrame, pct) -> list[tuple[str, Fraction]]:
    return [(pid, sum(values, Fraction(0)) / len(values)) for pid, values in _by_patient(m, pct).items()]


def _pooled(name: str, m: pd.DataFrame, key: str = "pooled-sizes") -> Reading:
    bases, sizes = [F(r["baseline_mm"]) for r in rows(m)], [F(r["size_mm"]) for r in rows(m)]
    b, s = sum(bases, Fraction(0)), sum(sizes, Fraction(0))
    value = (b - s) / b * 100
    return Reading(name, value, f"total size ({'+'.join(fmt(v) for v in bases)} = {fmt(b)} mm) "
                                f"-> ({'+'.join(fmt(v) for v in sizes)} = {fmt(s)} mm): "
                                f"({fmt(b)}-{fmt(s)})/{fmt(b)} × 100 = {fmt(value)}%", key=key)


def _pct_of_mean_per_patient(m: pd.DataFrame, pct) -> str:
    return "+".join(fmt(values[0]) if len(values) == 1 else f"({'+'.join(fmt(v) for v in values)})/{len(values)}"
                    for values in _by_patient(m, pct).values())


def _reduction_readings(m: pd.DataFrame, label: str, suffix: str = "") -> list[Reading]:
    out = []
    printed, sizes = _lesion_pcts(m)
    out.append(mean(f"per lesion{label}, printed %", printed, Fraction(1), key=f"lesion-printed{suffix}"))
    out.append(mean(f"per lesion{label}, % from sizes", sizes, key=f"lesion-sizes{suffix}"))
    pids = [r["patient_id"] for r in rows(m)]
    if len(set(pids)) != len(pids):
        for kind, source, pct in (("printed %", "printed", lambda r: F(r["reduction_printed_pct"])),
                                  ("% from sizes", "sizes", _pct_from_sizes)):
            values = _per_patient(m, pct)
            total = sum((v for _, v in values), Fraction(0))
            arithmetic = f"({_pct_of_mean_per_patient(m, pct)})/{len(values)} = {fmt(total / len(values))}"
            out.append(Reading(f"per patient{label}, {kind} (a patient's lesions averaged)", total / len(values), arithmetic,
                               key=f"patient-{source}{suffix}"))
    out.append(_pooled(f"total size of the lesions{label}", m, f"pooled-sizes{suffix}"))
    return out


@recompute("mean_reduction", kind="mean_reduction")
def mean_reduction(data: Tables, week: str) -> list[Reading]:
    w = int(week)
    m = _measured(data, w)
    out = _reduction_readings(m, "")
    followed = set(_followed_lesions(data, 12))
    sub = [r for r in m if r["lesion_id"] in followed]
    if len(sub) != len(m):
        out += _reduction_readings(sub, ", only lesions followed to week 12", "-followed12")
    return out


@recompute("mean_reduction_remaining", kind="mean_reduction")
def mean_reduction_remaining(data: Tables, week: str) -> list[Reading]:
    m = _measured(data, int(week))
    rest = [r for r in m if r["size_mm"] > 0]
    printed, sizes = _lesion_pcts(rest)
    return [
        mean("lesions not in complete remission, printed %", printed, Fraction(1), key="lesion-printed"),
        mean("lesions not in complete remission, % from sizes", sizes, key="lesion-sizes"),
        _pooled("lesions not in complete remission, total size", rest),  # key: pooled-sizes
        _each_lesion(rest),
    ]


def _each_lesion(rest: pd.DataFrame) -> Reading:
    """The literal reading of '80% remission in the remaining': every such lesion at that reduction. It holds only
    if the lowest printed reduction does, so the lowest is its value."""
    values = [(r["lesion_id"], F(r["reduction_printed_pct"])) for r in rows(rest)]
    low = min(v for _, v in values)
    listed = ", ".join(f"{lid} {fmt(v)}" for lid, v in values)
    return Reading("each lesion not in complete remission, printed % (the lowest shown)", low,
                   f"min({listed}) = {fmt(low)}", key="each-lesion")


def _remission(data: Tables, week: int):
    """Lesions and patients followed to ``week`` and those in complete remission (size 0) then."""
    at = [r for r in _joined_rows(data) if r["week"] == week]
    followed_l = [r["lesion_id"] for r in at if r["status"] == "measured"]
    complete_l = [r["lesion_id"] for r in at if r["status"] == "measured" and r["size_mm"] == 0]
    patients = list(_patients(data)["patient_id"])
    by_patient: dict[str, list[dict]] = {}
    for r in at:
        by_patient.setdefault(r["patient_id"], []).append(r)
    followed_p = [p for p in patients if p in by_patient and all(r["status"] == "measured" for r in by_patient[p])]
    complete_p = [p for p in followed_p if all(r["size_mm"] == 0 for r in by_patient[p])]
    lesions = list(data["lesions"]["lesion_id"])
    return followed_l, complete_l, followed_p, complete_p, patients, lesions


@recompute("complete_remission_pct", kind="percentage_patients")
def complete_remission_pct(data: Tables, week: str, stated_lesions: str = "") -> list[Reading]:
    fl, cl, fp, cp, patients, lesions = _remission(data, int(week))
    out = [
        percent("patients followed to week 12", cp, fp, "patients in complete remission", "patients-followed"),
        percent("all patients in Table 1", cp, patients, "patients in complete remission", "patients-all"),
        percent("lesions followed to week 12", cl, fl, "lesions in complete remission", "lesions-followed"),
        percent("all lesions in Table 1", cl, lesions, "lesions in complete remission", "lesions-all"),
    ]
    if stated_lesions:
        n = int(stated_lesions)
        v = Fraction(100 * len(cl), n)
        arithmetic = f"{len(cl)}/{n} lesions in complete remission ({', '.join(cl)}) = {fmt(v)}%"
        out.append(Reading(f"the {n} lesions stated in Results", v, arithmetic, grim=Grim("percent", n), key="lesions-stated"))
    return out


@recompute("remaining_pct", kind="percentage_patients")
def remaining_pct(data: Tables, week: str) -> list[Reading]:
    fl, cl, fp, cp, patients, lesions = _remission(data, int(week))
    return [
        percent("patients followed to week 12", [p for p in fp if p not in cp], fp, "patients not in complete remission",
                "patients-followed"),
        percent("all patients in Table 1 (lost counted as not in remission)", [p for p in patients if p not in cp],
                patients, "patients not in complete remission", "patients-all"),
        percent("lesions followed to week 12", [x for x in fl if x not in cl], fl, "lesions not in complete remission",
                "lesions-followed"),
        percent("all lesions in Table 1 (lost counted as not in remission)", [x for x in lesions if x not in cl],
                lesions, "lesions not in complete remission", "lesions-all"),
    ]
