/// FNV-1a, 64 bits, in hex: a short, stable fingerprint of bytes (content fingerprints the ledger
/// keeps; not a cryptographic hash).
public enum FNV1a {
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return String(hash, radix: 16)
    }
}
