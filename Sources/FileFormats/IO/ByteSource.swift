#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a reader gets its bytes: a file read in fixed-size chunks, or bytes in memory.
public protocol ByteSource: AnyObject {
    /// A name for error messages (usually the file path).
    var name: String { get }
    /// Reads up to `buffer.count` bytes; returns 0 at the end of the data.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(FileFormatError) -> Int
}

/// Reads a file through a plain file descriptor, never holding more than the caller's buffer.
public final class FileByteSource: ByteSource {
    public let name: String
    private var fd: Int32
    /// Bytes handed out so far (for progress reports).
    public private(set) var bytesRead = 0

    /// Opens `path` for reading.
    public init(path: String) throws(FileFormatError) {
        name = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            throw FileFormatError(.io, path: path, message: "cannot open the file: \(systemErrorMessage())")
        }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(FileFormatError) -> Int {
        while true {
            #if canImport(Glibc)
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            #else
            let n = Darwin.read(fd, buffer.baseAddress, buffer.count)
            #endif
            if n >= 0 {
                bytesRead += n
                return n
            }
            if errno == EINTR { continue }
            throw FileFormatError(.io, path: name, message: "cannot read the file: \(systemErrorMessage())")
        }
    }

    /// The file's size when opened, or 0 when unknown.
    public var size: Int {
        var info = stat()
        return fstat(fd, &info) == 0 ? Int(info.st_size) : 0
    }

    deinit {
        if fd >= 0 { close(fd) }
    }
}

/// Serves bytes that are already in memory (tests, HTTP response bodies).
public final class MemoryByteSource: ByteSource {
    public let name: String
    private let bytes: [UInt8]
    private var position = 0

    public init(_ bytes: [UInt8], name: String = "<memory>") {
        self.bytes = bytes
        self.name = name
    }

    public convenience init(_ text: String, name: String = "<memory>") {
        self.init(Array(text.utf8), name: name)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(FileFormatError) -> Int {
        let n = min(buffer.count, bytes.count - position)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + position, byteCount: n)
        }
        position += n
        return n
    }
}

/// The text of the current `errno`, e.g. "No such file or directory".
func systemErrorMessage(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}
