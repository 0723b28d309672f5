import CNATS
import Foundation

/// A JetStream key-value bucket: small values by key, kept by the server in a stream of its
/// own (`KV_<bucket>`), seen alike by every process connected to the server.
public final class JetStreamKeyValue: @unchecked Sendable {
    /// The bucket's name.
    public let bucket: String
    private let jetStream: JetStream
    private let store: OpaquePointer

    /// Opens the bucket `bucket`, making it first when it does not exist.
    ///
    /// Every process of a run opens the same bucket with the same settings, so whichever comes
    /// first makes it and the others find it.
    ///
    /// - Parameter maxAge: how long a value is kept at most (so an abandoned bucket empties).
    /// - Throws: `NATSError` when the server has no JetStream or refuses the bucket.
    public init(bucket: String, on jetStream: JetStream, maxAge: Duration) throws(NATSError) {
        self.bucket = bucket
        self.jetStream = jetStream
        var config = kvConfig()
        kvConfig_Init(&config)
        var made: OpaquePointer?
        let status: natsStatus = bucket.withCString { name in
            config.Bucket = name
            config.History = 1
            config.TTL = maxAge.nanoseconds
            config.StorageType = js_FileStorage
            return js_CreateKeyValue(&made, jetStream.context, &config)
        }
        guard status == NATS_OK, let made else {
            throw jetStream.connection.failure("did not open the key-value bucket \(bucket) (is JetStream on? start the server with -js)", status)
        }
        store = made
    }

    deinit {
        kvStore_Destroy(store)
    }

    /// Stores `value` under `key` (letters, digits, `-`, `_`, `=`, `/` and `.` between tokens).
    public func put(_ value: [UInt8], at key: String) throws(NATSError) {
        var revision: UInt64 = 0
        let status = value.withUnsafeBytes { bytes in
            kvStore_Put(&revision, store, key, bytes.baseAddress, Int32(bytes.count))
        }
        guard status == NATS_OK else { throw jetStream.connection.failure("did not store \(key) in the bucket \(bucket)", status) }
    }

    /// Removes the value under `key`; a key without one is no error.
    public func delete(_ key: String) throws(NATSError) {
        let status = kvStore_Delete(store, key)
        guard status == NATS_OK || status == NATS_NOT_FOUND else {
            throw jetStream.connection.failure("did not delete \(key) from the bucket \(bucket)", status)
        }
    }

    /// Every value in the bucket, by key, with when it was stored.
    ///
    /// A key removed between listing and reading is left out.
    public func entries() throws(NATSError) -> [String: (value: [UInt8], stored: Date)] {
        var keys = kvKeysList()
        let status = kvStore_Keys(&keys, store, nil)
        if status == NATS_NOT_FOUND { return [:] }
        guard status == NATS_OK else { throw jetStream.connection.failure("did not list the keys of the bucket \(bucket)", status) }
        defer { kvKeysList_Destroy(&keys) }
        var found: [String: (value: [UInt8], stored: Date)] = [:]
        for index in 0..<Int(keys.Count) {
            guard let cKey = keys.Keys[index] else { continue }
            var entry: OpaquePointer?
            let read = kvStore_Get(&entry, store, cKey)
            if read == NATS_NOT_FOUND { continue }
            guard read == NATS_OK, let entry else {
                throw jetStream.connection.failure("did not read \(String(cString: cKey)) from the bucket \(bucket)", read)
            }
            defer { kvEntry_Destroy(entry) }
            let length = Int(kvEntry_ValueLen(entry))
            let value = kvEntry_Value(entry).map { [UInt8](UnsafeRawBufferPointer(start: $0, count: length)) } ?? []
            // The client gives the time in nanoseconds since 1970.
            let stored = Date(timeIntervalSince1970: Double(kvEntry_Created(entry)) / 1e9)
            found[String(cString: cKey)] = (value, stored)
        }
        return found
    }
}

extension JetStream {
    /// Deletes the key-value bucket `bucket` and what it holds; a bucket that does not exist is
    /// no error.
    public func deleteKeyValue(_ bucket: String) throws(NATSError) {
        let status = js_DeleteKeyValue(context, bucket)
        guard status == NATS_OK || status == NATS_NOT_FOUND else {
            throw connection.failure("did not delete the key-value bucket \(bucket)", status)
        }
    }
}
