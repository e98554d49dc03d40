import IntoneFormats

/// What the dashboard's page reads every second (`GET /api/status`).
public struct DashboardStatus: Codable, Equatable, Sendable {
    /// One line of the coordinator's log, with its time in seconds since the coordinator started.
    public struct Event: Codable, Equatable, Sendable {
        public var seconds: Double
        public var text: String
    }

    /// Tasks finished since the coordinator started, sampled about once a second (`seconds`,
    /// `completed`), the last ten minutes: the page's chart.
    public struct Sample: Codable, Equatable, Sendable {
        public var seconds: Double
        public var completed: Int
    }

    public var status: ClusterStatus
    public var workers: [WorkerSummary]
    public var jobs: [JobSummary]
    /// The newest last, at most `Dashboard.eventCount`.
    public var events: [Event]
    public var history: [Sample]
}

/// `intone coordinator --dashboard`: a read-only web page of the coordinator's workers, jobs and
/// events, served by the coordinator's own thread (no extra thread, no file, no internet asset:
/// the page is one HTML document with its script inline). Only GET (and HEAD) are answered.
enum Dashboard {
    /// Events kept for the page.
    static let eventCount = 100
    /// Samples kept for the chart (one a second: ten minutes).
    static let sampleCount = 600

    /// The answer to one request.
    static func reply(method: String, path: String, status: () -> DashboardStatus) -> HTTPReply {
        guard method == "GET" || method == "HEAD" else {
            return HTTPReply(status: "405 Method Not Allowed", contentType: "text/plain; charset=utf-8", body: "the dashboard is read-only: GET only\n")
        }
        let route = path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
        switch route {
        case "/", "/index.html":
            return HTTPReply(status: "200 OK", contentType: "text/html; charset=utf-8", body: page)
        case "/api/status":
            return HTTPReply(status: "200 OK", contentType: "application/json", body: String(decoding: CanonicalJSON.encode(status()), as: UTF8.self))
        default:
            return HTTPReply(status: "404 Not Found", contentType: "text/plain; charset=utf-8", body: "try GET / or GET /api/status\n")
        }
    }

    /// The page: tables of workers and jobs, a chart of tasks finished per second over the last
    /// ten minutes (from the counters it polls), per-job progress and ETA from its own rate, and
    /// the recent events.
    static let page = """
    <!doctype html>
    <html lang="en"><head><meta charset="utf-8"><title>Intone coordinator</title>
    <style>
    body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}h1{font-size:1.3em}h2{font-size:1.05em;margin-top:1.4em}
    table{border-collapse:collapse}td,th{padding:.25em .7em;border-bottom:1px solid #ddd;text-align:right;white-space:nowrap}td:first-child,th:first-child{text-align:left}
    .bar{display:inline-block;height:.7em;background:#1f77b4;vertical-align:middle}#events{font:12px monospace;white-space:pre;max-height:18em;overflow:auto;background:#f6f6f6;padding:.5em}
    #summary span{margin-right:1.5em}
    </style></head><body>
    <h1>Intone coordinator</h1>
    <div id="summary">loading…</div>
    <h2>Tasks finished per second</h2><canvas id="rate" width="720" height="160" style="border:1px solid #ddd"></canvas>
    <h2>Jobs</h2><table id="jobs"></table>
    <h2>Workers</h2><table id="workers"></table>
    <h2>Recent events</h2><div id="events"></div>
    <script>
    "use strict";
    const jobRates = {};
    function cell(tag, text) { const c = document.createElement(tag); c.textContent = text; return c; }
    function table(id, head, rows) {
      const t = document.getElementById(id); t.replaceChildren();
      const h = document.createElement("tr"); head.forEach(x => h.appendChild(cell("th", x))); t.appendChild(h);
      rows.forEach(r => { const tr = document.createElement("tr"); r.forEach(x => { if (x instanceof Node) { const td = document.createElement("td"); td.appendChild(x); tr.appendChild(td); } else tr.appendChild(cell("td", x)); }); t.appendChild(tr); });
    }
    function duration(s) { if (!isFinite(s)) return "–"; s = Math.round(s); return s >= 3600 ? Math.floor(s/3600)+" h "+Math.floor(s%3600/60)+" min" : s >= 60 ? Math.floor(s/60)+" min "+(s%60)+" s" : s+" s"; }
    function draw(history) {
      const c = document.getElementById("rate"), g = c.getContext("2d"); g.clearRect(0, 0, c.width, c.height);
      const pts = []; for (let i = 1; i < history.length; i++) { const dt = history[i].seconds - history[i-1].seconds; if (dt > 0) pts.push({t: history[i].seconds, r: (history[i].completed - history[i-1].completed) / dt}); }
      const top = Math.max(1, ...pts.map(p => p.r)); g.fillStyle = "#555"; g.font = "11px sans-serif";
      g.fillText(top.toFixed(top < 10 ? 1 : 0) + " tasks/s", 4, 12); g.fillText("0", 4, c.height - 4);
      g.strokeStyle = "#1f77b4"; g.lineWidth = 2; g.beginPath();
      // The last ten minutes, or since the first sample when the coordinator is younger.
      const t1 = history.length ? history[history.length-1].seconds : 1, t0 = history.length ? Math.max(t1 - 600, history[0].seconds) : 0, span = Math.max(t1 - t0, 1);
      pts.forEach((p, i) => { const x = 40 + (p.t - t0) / span * (c.width - 50), y = c.height - 10 - p.r / top * (c.height - 30); i ? g.lineTo(x, y) : g.moveTo(x, y); });
      g.stroke(); g.fillStyle = "#555"; g.fillText("last " + duration(span), c.width - 90, c.height - 4);
    }
    async function poll() {
      try {
        const s = await (await fetch("api/status", {cache: "no-store"})).json(), now = s.status.uptimeSeconds;
        document.getElementById("summary").replaceChildren(...[
          "workers " + s.status.workers + " (" + s.status.slots + " slots)", "pending " + s.status.pending, "running " + s.status.running,
          "done " + s.status.completedTotal, "abandoned " + s.status.abandonedTotal, "workers lost " + s.status.workersLostTotal,
          "up " + duration(now)].map(x => cell("span", x)));
        table("jobs", ["job", "kind", "owner", "state", "priority", "progress", "done", "running", "pending", "abandoned", "withdrawn", "tasks/s", "ETA"], s.jobs.map(j => {
          const total = j.done + j.running + j.pending + j.abandoned + j.withdrawn, fraction = total ? (j.done + j.abandoned) / total : 0;
          const r = jobRates[j.name] || (jobRates[j.name] = []); r.push({t: now, d: j.done}); while (r.length > 30) r.shift();
          const rate = r.length > 1 && r[r.length-1].t > r[0].t ? (r[r.length-1].d - r[0].d) / (r[r.length-1].t - r[0].t) : 0;
          const bar = document.createElement("span"); bar.appendChild(Object.assign(document.createElement("span"), {className: "bar"})).style.width = Math.round(fraction * 120) + "px";
          bar.appendChild(document.createTextNode(" " + Math.round(fraction * 100) + " %"));
          const owner = j.owner ? j.owner.slice(0, 8) + "…" : "–", kind = (j.command || "–") + (j.detached ? " (detached)" : "");
          return [j.name, kind, owner, j.state, String(j.priority ?? ""), bar, j.done, j.running, j.pending, j.abandoned, j.withdrawn, rate.toFixed(1),
                  j.state === "running" && rate > 0 ? duration((j.pending + j.running) / rate) : "–"];
        }));
        table("workers", ["worker", "host", "slots", "load", "last heard", "tasks done", "failures"], s.workers.map(w =>
          [w.name, w.host || "–", w.slots, w.running + "/" + w.slots, w.lastHeard.toFixed(1) + " s ago", w.done, w.failed]));
        document.getElementById("events").textContent = s.events.slice().reverse().map(e => duration(e.seconds).padStart(12) + "  " + e.text).join("\\n");
        draw(s.history);
      } catch (e) { document.getElementById("summary").textContent = "coordinator not answering (" + e + ")"; }
    }
    poll(); setInterval(poll, 1000);
    </script></body></html>

    """
}
