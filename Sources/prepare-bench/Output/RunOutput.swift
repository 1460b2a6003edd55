import Foundation

/// Where a run's results go: the table on stdout; with `--json`/`--csv` that on stdout instead, or
/// in `--output` with the table still on stdout; the chart in `--svg`.
struct RunOutput {
    var json = false
    var csv = false
    var output: String?
    var svg: String?

    func write(_ document: ReportWriter.Document, split: CPUSplit?) throws {
        let table = ResultTable(results: document.results, comparisons: document.pgbench, split: split).render()
        var structured: String?
        if json {
            structured = try ReportWriter.json(document)
        } else if csv {
            structured = ReportWriter.csv(document.results)
        }
        if let svg {
            do { try SVGChart(results: document.results).render().write(toFile: svg, atomically: true, encoding: .utf8) } catch {
                throw BenchError("cannot write --svg \(svg): \(error.localizedDescription)")
            }
        }
        if let structured, let output {
            do { try structured.write(toFile: output, atomically: true, encoding: .utf8) } catch {
                throw BenchError("cannot write --output \(output): \(error.localizedDescription)")
            }
            print(table, terminator: "")
        } else if let structured {
            print(structured, terminator: "")
        } else {
            print(table, terminator: "")
        }
    }
}
