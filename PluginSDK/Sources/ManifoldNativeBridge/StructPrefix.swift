import CManifoldABI

/// Reads a C struct that another binary wrote, honouring the size that binary declared.
///
/// Every struct of the ABI starts with `struct_size` and only ever grows at the end. A
/// writer built against an older minor declares a smaller size: the fields it did not know
/// read as zero. A writer built against a newer header declares a larger size: its tail is
/// ignored. Either way no byte past the writer's struct is touched.
public enum StructPrefix {
    /// The struct at `pointer`, copied from its first `min(declaredSize, MemoryLayout<T>.size)`
    /// bytes, the rest zero.
    @inlinable
    public static func read<T>(_ pointer: UnsafePointer<T>, declaredSize: Int) -> T {
        if declaredSize >= MemoryLayout<T>.size { return pointer.pointee }
        return readShort(UnsafeRawPointer(pointer), declaredSize: max(declaredSize, 0), as: T.self)
    }

    @usableFromInline
    static func readShort<T>(_ source: UnsafeRawPointer, declaredSize: Int, as _: T.Type) -> T {
        let storage = UnsafeMutableRawPointer.allocate(byteCount: MemoryLayout<T>.size, alignment: MemoryLayout<T>.alignment)
        defer { storage.deallocate() }
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<T>.size)
        storage.copyMemory(from: source, byteCount: declaredSize)
        return storage.load(as: T.self)
    }

    /// The number of bytes of `T` up to the end of the field at `field`: a writer must
    /// declare at least this much for the field to be present.
    public static func size<T, Field>(through field: KeyPath<T, Field>) -> Int {
        MemoryLayout<T>.offset(of: field)! + MemoryLayout<Field>.size
    }
}
