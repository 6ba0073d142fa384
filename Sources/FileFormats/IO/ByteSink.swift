#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a writer puts its bytes: a file, standard output, or memory.
public protocol ByteSink: AnyObject {
    /// A name for error messages (usually the file path).
    var name: String { get }
    /// Appends bytes.
    func write(_ bytes: UnsafeRawBufferPointer) throws(FileFormatError)
    /// Pushes buffered bytes down to the file (not necessarily to the disk).
    func flush() throws(FileFormatError)
}

extension ByteSink {
    /// Appends the bytes of an array.
    public func write(_ bytes: [UInt8]) throws(FileFormatError) {
        try bytes.withBytes { (raw) throws(FileFormatError) in try write(raw) }
    }

    /// Appends a string as UTF-8.
    public func write(_ text: String) throws(FileFormatError) {
        try write(Array(text.utf8))
    }
}

/// A buffered writer over a file descriptor.
///
/// `FileByteSink(path:)` creates (or truncates) a file; ``sync()`` makes its content durable.
/// The outbox builds atomic file delivery (temporary name, fsync, rename) on top of this.
public final class FileByteSink: ByteSink {
    public let name: String
    private var fd: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    private let capacity: Int

    /// Creates `path` (mode 0644 before umask), failing if it exists and `exclusive` is set.
    public init(path: String, exclusive: Bool = false, bufferSize: Int = 64 << 10) throws(FileFormatError) {
        name = path
        capacity = bufferSize
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC)
        fd = open(path, flags, 0o644)
        ownsDescriptor = true
        if fd < 0 {
            throw FileFormatError(.io, path: path, message: "cannot create the file: \(systemErrorMessage())")
        }
        buffer.reserveCapacity(bufferSize)
    }

    /// Writes to an already open descriptor (for example 1 for standard output), without closing it.
    public init(descriptor: Int32, name: String, bufferSize: Int = 64 << 10) {
        self.name = name
        fd = descriptor
        ownsDescriptor = false
        capacity = bufferSize
        buffer.reserveCapacity(bufferSize)
    }

    /// A sink for standard output.
    public static func standardOutput() -> FileByteSink { FileByteSink(descriptor: 1, name: "<stdout>") }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(FileFormatError) {
        if buffer.count + bytes.count > capacity { try flush() }
        if bytes.count >= capacity {
            try writeAll(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    public func flush() throws(FileFormatError) {
        guard !buffer.isEmpty else { return }
        let pending = buffer
        buffer.removeAll(keepingCapacity: true)
        try pending.withBytes { (raw) throws(FileFormatError) in try writeAll(raw) }
    }

    /// Flushes and asks the kernel to put the file's content on disk (`fsync`).
    public func sync() throws(FileFormatError) {
        try flush()
        if fsync(fd) != 0 {
            throw FileFormatError(.io, path: name, message: "cannot sync the file to disk: \(systemErrorMessage())")
        }
    }

    /// Flushes and closes the file.
    public func close() throws(FileFormatError) {
        try flush()
        guard ownsDescriptor, fd >= 0 else { return }
        let result = closeDescriptor(fd)
        fd = -1
        if result != 0 {
            throw FileFormatError(.io, path: name, message: "cannot close the file: \(systemErrorMessage())")
        }
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(FileFormatError) {
        var offset = 0
        while offset < bytes.count {
            #if canImport(Glibc)
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            #else
            let n = Darwin.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            #endif
            if n < 0 {
                if errno == EINTR { continue }
                throw FileFormatError(.io, path: name, message: "cannot write the file: \(systemErrorMessage())")
            }
            offset += n
        }
    }

    deinit {
        if ownsDescriptor && fd >= 0 { _ = closeDescriptor(fd) }
    }
}

private func closeDescriptor(_ fd: Int32) -> Int32 {
    #if canImport(Glibc)
    Glibc.close(fd)
    #else
    Darwin.close(fd)
    #endif
}

/// Collects written bytes in memory (previews, tests, request bodies).
public final class MemoryByteSink: ByteSink {
    public let name: String
    /// Everything written so far.
    public private(set) var bytes: [UInt8] = []

    public init(name: String = "<memory>") { self.name = name }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(FileFormatError) {
        self.bytes.append(contentsOf: bytes)
    }

    public func flush() throws(FileFormatError) {}

    /// The bytes written so far, as UTF-8 text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}
