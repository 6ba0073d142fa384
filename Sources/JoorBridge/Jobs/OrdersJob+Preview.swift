import FileFormats
import Foundation
import JoorAPI
import JoorModels
import Mapping

extension OrdersJob {
    /// The orders a run would deliver now, rendered, without changing JOOR, the ledger or any
    /// outbox: what the ledger still has to deliver, and what a read-only pull (sync=0) finds
    /// that a synchronising pull would take. Each file goes to `print` (`route/NAME` when the
    /// config has routes); orders a run would hold are noted with the reason.
    /// `run --dry-run` prints them; `run orders --shadow DIR` writes them into DIR.
    func preview(runID: String, print: DryRunPrinter) async throws -> Report {
        var report = Report()
        // What the ledger still has to deliver (orders, amendments, cancellations), then what the pull finds.
        var candidates: [(order: JoorOrder, version: Int, entry: LedgerOrder?)] = try ledger.orders(in: [.received, .rejected]).map {
            (Self.withAmendmentFields($0), $0.version, $0)
        }
        report.pages = try await client.orders(pullQuery(exportStatus: settings.deliverAmendments ? 5 : 2, sync: false)) { page in
            report.pulled += page.orders.count
            for order in page.orders {
                let latest = try ledger.entries(orderID: order.id).last
                if let latest {
                    let amended =
                        settings.deliverAmendments && latest.state == .delivered && order.dateModified != nil
                        && order.dateModified != latest.order.dateModified
                    guard amended else {
                        report.duplicates += 1
                        continue
                    }
                    var entry = latest
                    entry.order = order
                    entry.version += 1
                    candidates.append((Self.withAmendmentFields(entry), entry.version, nil))
                    report.amendments += 1
                    continue
                }
                if let reason = holdReason(order) {
                    report.held += 1
                    print(.note("order \(order.id) would be held: \(reason)"))
                    continue
                }
                candidates.append((order, 0, nil))
            }
        }
        let context = RenderContext(runID: runID)
        // Files by route and name, as a run would write them: a per-run file collects its orders,
        // a name already taken gets a number.
        var outputs: [(route: OrderRoute, name: String, file: PlannedFile, orders: [RenderedOrder])] = []
        var taken: Set<String> = []
        for (order, version, entry) in candidates {
            // A journaled entry goes where a run sends it (a cancellation, where its order went).
            guard let route = try entry.map(route(forEntry:)) ?? route(for: order) else {
                report.held += 1
                print(.note("order \(order.id) would be held: \(noRouteReason(order))"))
                continue
            }
            switch plan(order, version: version, kind: entry?.kind ?? .order, route: route, context: context) {
            case .failure(let rejection):
                report.rejected[order.id] = rejection.description
                print(.note("\(rejection.description) (a run would retry it every run)"))
            case .success(let files):
                report.delivered += 1
                for file in files {
                    if file.perRun,
                        let index = outputs.firstIndex(where: {
                            $0.route.name == route.name && $0.file.perRun && $0.file.name == file.name && $0.file.part == file.part
                        })
                    {
                        outputs[index].orders.append(file.rendered)
                        continue
                    }
                    let prefix = settings.routes.isEmpty ? "" : route.name + "/"
                    let name = FreeName.numbered(file.name) {
                        taken.contains(prefix + $0) || FileManager.default.fileExists(atPath: route.outbox.path($0))
                    }
                    taken.insert(prefix + name)
                    outputs.append((route, prefix + name, file, [file.rendered]))
                }
            }
        }
        for output in outputs {
            let sink = MemoryByteSink(name: output.name)
            try OrderFileWriter.write(output.orders, renderer: output.file.renderer, part: output.file.part, to: sink)
            report.files.append(output.name)
            print(.file(name: output.name, content: Data(sink.bytes)))
        }
        return report
    }
}
