/// Something a test starts and must stop whatever happens: a sandbox, a harness around one.
public protocol TestResource {
    func stop() async
}

/// Runs `body` with `resource`, then stops the resource and waits until it has stopped — also
/// when `body` throws. (A `defer { Task { await resource.stop() } }` may run after the test has
/// ended, or not at all, leaving servers behind in the test process.)
public func using<R: TestResource, T>(_ resource: R, _ body: (R) async throws -> T) async throws -> T {
    let result: T
    do {
        result = try await body(resource)
    } catch {
        await resource.stop()
        throw error
    }
    await resource.stop()
    return result
}

/// ``using(_:_:)`` for a body that returns nothing (most tests): the closure's type is then known
/// before its body is checked, so `#expect(try …)` inside it type-checks.
public func using<R: TestResource>(_ resource: R, _ body: (R) async throws -> Void) async throws {
    do {
        try await body(resource)
    } catch {
        await resource.stop()
        throw error
    }
    await resource.stop()
}
