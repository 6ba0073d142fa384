import Foundation
import JoorModels
import NIOHTTP1

/// A v2 bulk style job and how far it got.
public struct StyleJob: Sendable, Equatable {
    public enum Status: String, Sendable { case queued, started, finished }
    public var id: String
    public var status: Status
    public var recordCount: Int?
    public var progress: Int?
    /// Styles the job refused, by style identifier, when the server names them. JOOR's documented
    /// job status does not (only counts): see `ProductsJob`, which finds them by halving.
    public var errors: [String: String]

    /// JOOR's reason when the answer's `response.code` is not 0 (it refused the call), else nil.
    static func refusal(in data: Data) -> String? {
        guard let root = try? JSONValue.parse(data) else { return nil }
        let body = root["bulk_styles"] ?? root
        guard let code = body["response"]?["code"]?.int, code != 0 else { return nil }
        return "response code \(code): \(body["response"]?["comment"]?.text ?? "")"
    }

    static func parse(_ data: Data) throws(JoorResponseError) -> StyleJob {
        let root: JSONValue
        do { root = try JSONValue.parse(data) } catch { throw JoorResponseError("not JSON: \(error)") }
        let body = root["bulk_styles"] ?? root
        if let code = body["response"]?["code"]?.int, code != 0 {
            throw JoorResponseError("response code \(code): \(body["response"]?["comment"]?.text ?? "")")
        }
        guard let job = (body["bulk_styles_jobs"] ?? body["bulk_styles_job"])?.elements?.first ?? body["bulk_styles_job_id"].map({ _ in body }),
            let id = job["bulk_styles_job_id"]?.text
        else { throw JoorResponseError("the answer names no bulk_styles_job_id") }
        var errors: [String: String] = [:]
        for entry in job["errors"]?.elements ?? [] {
            if let style = entry["style_identifier"]?.text { errors[style] = entry["message"]?.text ?? "refused" }
        }
        // JOOR documents queued, started and finished. Another status that says the job failed
        // ends the wait at once; any other is taken as still running (the wait's timeout names it).
        let text = job["status"]?.text?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        if Status(rawValue: text) == nil, ["fail", "error", "cancel", "abort"].contains(where: text.contains) {
            throw JoorResponseError("bulk-style job \(id) has the status '\(text)': JOOR did not finish it")
        }
        return StyleJob(
            id: id, status: Status(rawValue: text) ?? .started,
            recordCount: job["style_record_count"]?.int, progress: job["style_record_progress"]?.int, errors: errors)
    }
}

extension JoorClient {
    /// Starts a `POST /v2/bulk-style` job. Styles are upserted by identifier, so sending the same
    /// styles twice does no harm.
    public func submitStyles(_ styles: [Style]) async throws(JoorAPIError) -> StyleJob {
        let label = "POST /v2/bulk-style"
        let body: Data
        do { body = try BulkStyleRequest(styles).jsonBody() } catch { throw decodeFailure(label, error) }
        let reply = try await send(.POST, url: options.endpoint.v2 + "/bulk-style", body: body, idempotent: true)
        if let refusal = StyleJob.refusal(in: reply.body) { throw JoorAPIError(.rejected, request: label, message: refusal) }
        do throws(JoorResponseError) { return try StyleJob.parse(reply.body) } catch {
            throw JoorAPIError(.malformedResponse, request: label, message: error.message)
        }
    }

    /// The state of a style job.
    public func styleJob(_ id: String) async throws(JoorAPIError) -> StyleJob {
        let reply = try await send(.GET, url: options.endpoint.v2 + "/bulk-style/\(id)", idempotent: true)
        do throws(JoorResponseError) { return try StyleJob.parse(reply.body) } catch {
            throw JoorAPIError(.malformedResponse, request: "GET /v2/bulk-style", message: error.message)
        }
    }

    /// Polls a job (backing off) until it is finished or `options.jobTimeout` passes.
    public func waitForStyleJob(_ job: StyleJob) async throws(JoorAPIError) -> StyleJob {
        var current = job
        let deadline = ContinuousClock.now + options.jobTimeout
        var delay = options.jobPollInterval
        while current.status != .finished {
            guard ContinuousClock.now + delay < deadline else {
                throw JoorAPIError(
                    .jobTimedOut, request: "GET /v2/bulk-style/\(job.id)", message: "still \(current.status.rawValue) after \(options.jobTimeout)")
            }
            do { try await Task.sleep(for: delay) } catch { throw JoorAPIError(.unreachable, request: "GET /v2/bulk-style", message: "cancelled") }
            current = try await styleJob(job.id)
            delay = min(delay * 2, .seconds(30))
        }
        return current
    }
}
