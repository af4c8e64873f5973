"""What reviewers read, straight from the queries: filters, findings, dashboard, case file."""

from __future__ import annotations

from sqlalchemy import Engine, func, select, text

from compliance.followup.manage import update_task
from compliance.review import casefile, queries
from compliance.review.scope import Scope
from compliance.rules.model import DATA_QUALITY_PREFIX, Family
from tests.factories import TASKS
from tests.review.conftest import AS_OF

COUNTRY = Scope("country")


def _total(conn, scope: Scope = COUNTRY, **filters: str) -> int:  # type: ignore[no-untyped-def]
    return queries.flagged(conn, scope, queries.Filters(**filters)).total


def test_the_family_filter_splits_data_quality_from_compliance(reviewed: Engine) -> None:
    with reviewed.connect() as conn:
        quality = queries.flagged(conn, COUNTRY, queries.Filters(family="data_quality"))
        compliance = queries.flagged(conn, COUNTRY, queries.Filters(family="compliance"))
        assert quality.total > 0 and compliance.total > 0
        assert quality.total + compliance.total == _total(conn)
        assert all(r["rule"].startswith(DATA_QUALITY_PREFIX) for r in quality.rows)
        assert not any(r["rule"].startswith(DATA_QUALITY_PREFIX) for r in compliance.rows)
        assert _total(conn, family="bogus") == _total(conn)  # an unknown family filters nothing
        assert queries.dashboard(conn, COUNTRY)["data_quality"] == quality.total
        findings = queries.findings_page(conn, COUNTRY, family=Family.DATA_QUALITY)
        assert findings["as_of"] == AS_OF and findings["total"] > 0
        assert all(r["rule"].startswith(DATA_QUALITY_PREFIX) for r in findings["items"])


def test_flagged_filters_narrow_and_order(reviewed: Engine) -> None:
    with reviewed.connect() as conn:
        everything = _total(conn)
        high = queries.flagged(conn, COUNTRY, queries.Filters(severity="high"))
        assert 0 < high.total < everything and {r["severity"] for r in high.rows} == {"high"}
        first = queries.flagged(conn, COUNTRY, queries.Filters()).rows
        ranks = [queries.SEVERITY_ORDER[r["severity"]] for r in first]
        assert ranks == sorted(ranks)  # most severe first
        unit = first[0]["unit"]
        assert {
            r["unit"] for r in queries.flagged(conn, COUNTRY, queries.Filters(q=unit)).rows
        } == {unit}
        assert _total(conn, q="%") == 0  # a LIKE wildcard is a character, not "everything"
        assert _total(conn, province="66") == _total(conn, Scope("province", "66"))
        assert _total(conn, status="resolved") == 0
        all_statuses = queries.dashboard(conn, COUNTRY)["by_status"]
        assert sum(r["tasks"] for r in all_statuses) == _total(conn, status="all")


def test_findings_page_reads_the_latest_whole_run_in_scope(reviewed: Engine) -> None:
    with reviewed.connect() as conn:
        page = queries.findings_page(conn, Scope("province", "80"), status="violation")
        assert page["total"] > 0
        assert {(r["province_code"], r["status"]) for r in page["items"]} == {("80", "violation")}
        assert len(queries.trend(conn, COUNTRY)) == 1


def test_a_case_file_holds_the_unit_its_chain_tasks_history_and_findings(reviewed: Engine):
    with reviewed.connect() as conn:
        unit = conn.execute(
            text(
                "SELECT t.unit FROM follow_up_tasks t JOIN unions u "
                "ON u.enterprise_tax_code = t.unit WHERE t.province_code = '80' "
                "ORDER BY t.unit LIMIT 1"
            )
        ).scalar_one()
        task_id = queries.flagged(conn, COUNTRY, queries.Filters(q=unit)).rows[0]["id"]
    update_task(reviewed, task_id, actor="ubkt80", confirm=True, reason="đã đối chiếu")
    with reviewed.connect() as conn:
        case = casefile.case_file(conn, Scope("province", "80"), unit)
        assert case is not None and (case["code"], case["kind"]) == (unit, "enterprise")
        assert case["registry"]["tax_code"] == unit
        view = dict(case["registry_view"])  # the delivery's Vietnamese headers, not column names
        assert unit in view.values() and "tax_code" not in view
        chain = [link["code"] for link in case["chain"]]
        assert chain[-1] == "LDLD-80" and len(chain) >= 2  # its union up to the federation
        tasks = {t["id"]: t for t in case["tasks"]}
        assert task_id in tasks
        assert [e["action"] for e in tasks[task_id]["events"]] == ["opened", "confirmed"]
        assert {f["rule"] for f in case["findings"]} >= {t["rule"] for t in case["tasks"]}
        assert [a["action"] for a in case["audit"]] == ["confirmed"]
        # another province's reviewer finds the unit, but none of its work
        elsewhere = casefile.case_file(conn, Scope("province", "66"), unit)
        assert elsewhere is not None and elsewhere["tasks"] == [] and elsewhere["findings"] == []
        assert casefile.case_file(conn, COUNTRY, "KHÔNG-CÓ") is None
        # the audit log shows the act inside the province only
        assert any(
            a["task_id"] == task_id for a in queries.audit_log(conn, Scope("province", "80"))
        )
        assert not any(
            a["task_id"] == task_id for a in queries.audit_log(conn, Scope("province", "66"))
        )
        assert queries.task_in_scope(conn, Scope("province", "66"), task_id) is None
        assert queries.task_exists(conn, task_id)
        assert conn.execute(select(func.count()).select_from(TASKS)).scalar_one() > 0
