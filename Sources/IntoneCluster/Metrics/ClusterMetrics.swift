import Foundation

/// The coordinator's counters in the Prometheus text exposition format (version 0.0.4), as served
/// at `/metrics` for a Prometheus server to scrape.
public enum ClusterMetrics {
    public static func prometheusText(_ s: ClusterStatus) -> String {
        var out = ""
        func metric(_ name: String, _ type: String, _ help: String, _ value: String) {
            out += "# HELP intone_\(name) \(help)\n# TYPE intone_\(name) \(type)\nintone_\(name) \(value)\n"
        }
        metric("workers", "gauge", "Workers connected to the coordinator.", "\(s.workers)")
        metric("worker_slots", "gauge", "Tasks the connected workers run at once.", "\(s.slots)")
        metric("clients", "gauge", "Clients (jobs submitted with --cluster) connected.", "\(s.clients)")
        metric("tasks_pending", "gauge", "Tasks waiting for a worker.", "\(s.pending)")
        metric("tasks_running", "gauge", "Tasks running on workers.", "\(s.running)")
        metric("tasks_completed_total", "counter", "Tasks finished.", "\(s.completedTotal)")
        metric("tasks_abandoned_total", "counter", "Tasks given up after their last attempt failed.", "\(s.abandonedTotal)")
        metric("task_failures_total", "counter", "Failed task attempts reported by workers.", "\(s.failuresTotal)")
        metric("workers_lost_total", "counter", "Workers declared dead or gone.", "\(s.workersLostTotal)")
        metric("duplicate_results_total", "counter", "Results dropped because another copy of the task finished first.", "\(s.duplicateResults)")
        metric("dropped_messages_total", "counter", "Malformed, unknown or out-of-order messages dropped.", "\(s.droppedMessages)")
        metric("refused_peers_total", "counter", "Peers refused because their key is not in the allow-list.", "\(s.refusedPeers)")
        metric("uptime_seconds", "gauge", "Seconds since the coordinator started.", String(format: "%.3f", s.uptimeSeconds))
        return out
    }
}
