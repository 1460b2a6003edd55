import Foundation

/// `--svg FILE`: one panel per workload, throughput (ops/s or requests/s) against workers, one
/// line per mode and pool model (solid: release-ASAP, dashed: hold). Hand-written SVG, no
/// dependencies; readable without the table (titles, axes, legend, values at the points).
struct SVGChart {
    var results: [CaseResult]

    func render() -> String {
        let workloads = results.map(\.workload).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let panelW = 420.0, panelH = 280.0, margin = 60.0, columns = min(2, max(1, workloads.count))
        let rowsCount = (workloads.count + columns - 1) / columns
        let width = Double(columns) * panelW, height = Double(rowsCount) * panelH + 40
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="11">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(width / 2)" y="22" text-anchor="middle" font-size="15" font-weight="bold">prepare-bench: throughput vs workers</text>

            """
        let colors: [String: String] = ["plain": "#7f7f7f", "prepared": "#1f77b4", "auto": "#2ca02c"]
        for (index, workload) in workloads.enumerated() {
            let ox = Double(index % columns) * panelW, oy = 40 + Double(index / columns) * panelH
            let rows = results.filter { $0.workload == workload }
            let workers = Array(Set(rows.map(\.workers))).sorted()
            let maxY = max(1, rows.map(\.opsPerS).max() ?? 1) * 1.15
            let plotX = ox + margin, plotY = oy + 30, plotW = panelW - margin - 20, plotH = panelH - 80
            func x(_ w: Int) -> Double {
                workers.count == 1 ? plotX + plotW / 2 : plotX + plotW * Double(workers.firstIndex(of: w)!) / Double(workers.count - 1)
            }
            func y(_ v: Double) -> Double { plotY + plotH - plotH * v / maxY }
            let unit = rows.first?.unit == "requests" ? "requests/s" : "ops/s"
            svg += "<text x=\"\(ox + panelW / 2)\" y=\"\(oy + 18)\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">\(escape(workload)) (\(unit))</text>\n"
            svg += "<line x1=\"\(plotX)\" y1=\"\(plotY + plotH)\" x2=\"\(plotX + plotW)\" y2=\"\(plotY + plotH)\" stroke=\"black\"/>\n"
            svg += "<line x1=\"\(plotX)\" y1=\"\(plotY)\" x2=\"\(plotX)\" y2=\"\(plotY + plotH)\" stroke=\"black\"/>\n"
            for i in 0...4 {
                let v = maxY * Double(i) / 4
                svg += "<line x1=\"\(plotX - 4)\" y1=\"\(y(v))\" x2=\"\(plotX + plotW)\" y2=\"\(y(v))\" stroke=\"#e0e0e0\"/>\n"
                svg += "<text x=\"\(plotX - 6)\" y=\"\(y(v) + 4)\" text-anchor=\"end\">\(short(v))</text>\n"
            }
            for w in workers {
                svg += "<text x=\"\(x(w))\" y=\"\(plotY + plotH + 15)\" text-anchor=\"middle\">\(w)</text>\n"
            }
            svg += "<text x=\"\(plotX + plotW / 2)\" y=\"\(plotY + plotH + 30)\" text-anchor=\"middle\">workers (W)</text>\n"
            // series: mode × pool
            let series = rows.map { "\($0.mode)|\($0.pool)" }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            for (s, key) in series.enumerated() {
                let parts = key.split(separator: "|").map(String.init)
                let points = rows.filter { "\($0.mode)|\($0.pool)" == key }.sorted { $0.workers < $1.workers }
                let color = colors[parts[0]] ?? "#d62728"
                let dash = parts[1] == "hold" ? " stroke-dasharray=\"6,4\"" : ""
                let path = points.map { "\(x($0.workers)),\(y($0.opsPerS))" }.joined(separator: " ")
                svg += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(dash)/>\n"
                for p in points {
                    svg += "<circle cx=\"\(x(p.workers))\" cy=\"\(y(p.opsPerS))\" r=\"3\" fill=\"\(color)\"/>\n"
                    svg += "<text x=\"\(x(p.workers) + 5)\" y=\"\(y(p.opsPerS) - 5)\" fill=\"\(color)\">\(short(p.opsPerS))</text>\n"
                }
                let ly = plotY + 12 + Double(s) * 14
                svg += "<line x1=\"\(plotX + plotW - 120)\" y1=\"\(ly - 4)\" x2=\"\(plotX + plotW - 100)\" y2=\"\(ly - 4)\" stroke=\"\(color)\" stroke-width=\"2\"\(dash)/>\n"
                svg += "<text x=\"\(plotX + plotW - 96)\" y=\"\(ly)\">\(escape(parts[0])) \(parts[1] == "hold" ? "(hold)" : "(release-ASAP)")</text>\n"
            }
            // bursty: the W/T bound
            if let bounded = rows.first(where: { $0.boundPerS != nil }), bounded.boundPerS != nil {
                let pts = workers.compactMap { w -> String? in
                    rows.first { $0.workers == w && $0.boundPerS != nil }.map { "\(x(w)),\(y(min($0.boundPerS!, maxY)))" }
                }.joined(separator: " ")
                svg += "<polyline points=\"\(pts)\" fill=\"none\" stroke=\"#ff7f0e\" stroke-width=\"1\" stroke-dasharray=\"2,3\"/>\n"
                svg += "<text x=\"\(plotX + 4)\" y=\"\(plotY + 10)\" fill=\"#ff7f0e\">dotted: bound W/T (clipped to the panel)</text>\n"
            }
        }
        return svg + "</svg>\n"
    }

    private func short(_ v: Double) -> String {
        if v >= 10_000 { return String(format: "%.0fk", v / 1000) }
        if v >= 1_000 { return String(format: "%.1fk", v / 1000) }
        return String(format: "%.0f", v)
    }

    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
