"""The benchmark harness's pure parts: wrk output parsing, the results file, the printed table."""

import json

import pytest

from benchmarks import loadgen, report, run

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8000/offres/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    28.51ms    6.02ms 112.40ms   81.22%
    Req/Sec   282.16     31.05   350.00     71.50%
  Latency Distribution
     50%   27.80ms
     75%   30.92ms
     90%   35.10ms
     99%   51.37ms
  5634 requests in 10.01s, 221.44MB read
Requests/sec:    562.83
Transfer/sec:     22.12MB
"""

WRK_SLOW_WITH_ERRORS = """Running 10s test @ http://127.0.0.1:8000/offres/1/pdf/
  2 threads and 16 connections
  Latency Distribution
     50%  850.12us
     75%    1.20s
     90%    1.50s
     99%    2.01s
  80 requests in 10.00s, 3.10MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:      8.00
Transfer/sec:    317.44KB
"""


def test_wrk_output_gives_requests_per_second_and_percentiles_in_ms():
    assert loadgen.parse_wrk(WRK_OUTPUT) == {
        "rps": 562.83,
        "p50_ms": 27.8,
        "p99_ms": 51.37,
        "requests": 5634,
        "errors": 0,
    }


def test_wrk_units_are_converted_and_errors_counted():
    parsed = loadgen.parse_wrk(WRK_SLOW_WITH_ERRORS)
    assert parsed["p50_ms"] == 0.85
    assert parsed["p99_ms"] == 2010.0
    assert parsed["errors"] == 4 + 3


def test_unrecognised_wrk_output_is_an_error():
    with pytest.raises(ValueError, match="Unrecognised wrk output"):
        loadgen.parse_wrk("unable to connect to 127.0.0.1:8000 Connection refused")


def test_python_fallback_summary_uses_nearest_rank_percentiles():
    summary = loadgen.summarise([float(ms) for ms in range(100, 0, -1)], errors=1, elapsed_s=2.0)
    assert summary == {"rps": 50.0, "p50_ms": 50.0, "p99_ms": 99.0, "requests": 100, "errors": 1}


def sample_results():
    healthz = {"rps": 2000.0, "p50_ms": 7.5, "p99_ms": 12.0}
    urls = [
        report.url_entry(name, f"/{name}/", False, {"rps": 100.0, "p50_ms": 100.0, "p99_ms": 300.0}, 8, 2000.0)
        for name in report.URL_NAMES
    ]
    urls.append(report.url_entry("listing", "/offres/", True, {"rps": 1500.0, "p50_ms": 9, "p99_ms": 20}, 0, 2000.0))
    return report.build_results(
        machine="test machine",
        date="2026-11-29T01:00:00Z",
        healthz=healthz,
        urls=urls,
        export={"csv_s": 12.5, "xlsx_s": 20.1, "first_byte_s": 0.4, "peak_rss_mb": 180.0},
        pdf_s=0.35,
        load_demo_s=95.2,
    )


def test_results_file_has_the_issue_format(tmp_path):
    path = tmp_path / "results" / "latest.json"
    report.write(sample_results(), path)
    written = json.loads(path.read_text())
    assert report.problems(written) == []
    assert set(written) == {"machine", "date", "healthz", "urls", "export", "pdf_s", "load_demo_s"}
    assert written["healthz"] == {"rps": 2000.0, "p50_ms": 7.5, "p99_ms": 12.0}
    assert written["urls"][0] == {
        "name": "static",
        "path": "/static/",
        "cached": False,
        "rps": 100.0,
        "p50_ms": 100.0,
        "p99_ms": 300.0,
        "queries": 8,
        "ratio": 0.05,
    }
    assert written["export"] == {"csv_s": 12.5, "xlsx_s": 20.1, "first_byte_s": 0.4, "peak_rss_mb": 180.0}


def test_absent_feature_keeps_its_entry_with_an_error():
    results = sample_results()
    results["urls"][1] = report.url_entry("listing", "/offres/", False, error="HTTP 404")
    assert results["urls"][1]["error"] == "HTTP 404"
    assert results["urls"][1]["rps"] is None
    assert report.problems(results) == []


def test_schema_check_names_what_is_missing():
    results = sample_results()
    results["urls"] = [entry for entry in results["urls"] if entry["name"] != "calendar_month"]
    results["urls"][0]["rps"] = None
    del results["pdf_s"]
    assert sorted(report.problems(results)) == [
        "missing key 'pdf_s'",
        "no entry for url 'calendar_month'",
        "url 'static' has no figures and no error",
    ]


def test_table_shows_each_url_with_its_ratio_to_healthz():
    table = report.format_table(sample_results())
    assert "| healthz | /healthz | no | 2,000.0 | 7.50 | 12.00 | 1 | 1/1 |" in table
    assert "| listing | /listing/ | no | 100.0 | 100.00 | 300.00 | 8 | 1/20.0 |" in table
    assert "| listing | /offres/ | yes | 1,500.0 | 9.00 | 20.00 | 0 | 1/1.3 |" in table
    assert "CSV 12.50 s, XLSX 20.10 s, first byte 0.40 s, peak worker RSS 180.0 MB" in table


def test_urls_needing_an_offer_report_a_missing_offer():
    paths = run.resolve_paths(
        {"offer_id": None, "department": None, "theme": None}, static="/static/css/portal.abc.css"
    )
    assert paths["static"] == "/static/css/portal.abc.css"
    assert paths["listing"] == "/offres/"
    assert paths["admin_export_csv"] == "/admin/snippets/offers/offer/?export=csv"
    assert isinstance(paths["offer"], LookupError)
    assert isinstance(paths["listing_filtered"], LookupError)
    paths = run.resolve_paths({"offer_id": 7, "department": "33", "theme": "sommeil"}, static="/s")
    assert paths["offer_pdf"] == "/offres/7/pdf/"
    assert paths["listing_filtered"] == "/offres/?departement=33&thematique=sommeil"
    assert {name for name, *_ in run.URLS} == set(report.URL_NAMES)


class _SlowServer:
    """A local HTTP server whose /healthz is slow for its first `busy_probes` requests (as while
    gunicorn still serves the connections wrk left queued) and whose /pdf takes `pdf_s`."""

    def __init__(self, busy_probes, pdf_s):
        import http.server
        import threading
        import time

        owner = self
        self.healthz_calls = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/healthz":
                    owner.healthz_calls += 1
                    if owner.healthz_calls <= busy_probes:
                        time.sleep(0.12)
                else:
                    time.sleep(pdf_s)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_single_pdf_is_timed_once_the_server_has_drained_the_load_test():
    server = _SlowServer(busy_probes=3, pdf_s=0.08)
    try:
        seconds = run.single_request_seconds(server, "/pdf")
    finally:
        server.close()
    # It waited for /healthz to answer fast again, then timed the PDF alone.
    assert server.healthz_calls == 4
    assert 0.08 <= seconds < 0.5
