import CManifoldABI
import Synchronization

/// Counts the references plugins take on the payloads of the inputs the checker gives them,
/// so an output that passes an input's payload on by reference can be matched with a
/// `retain` the plugin made first (artifact.h: the reference an output hands over must be
/// the plugin's own).
///
/// Each input view's `retain` is replaced with one that counts, then retains as before.
enum InputRetains {
    typealias RetainFunction = @convention(c) (UnsafeMutableRawPointer?) -> Void

    private static let state = Mutex<(original: RetainFunction?, counts: [UInt: Int])>((nil, [:]))

    /// Makes the payload of `view` (owned by the checker) count its retains.
    static func count(_ view: UnsafePointer<manifold_artifact>) {
        let header = UnsafeMutablePointer(mutating: view)
        guard let retain = header.pointee.payload.retain else { return }
        state.withLock { state in
            if state.original == nil { state.original = retain }
        }
        header.pointee.payload.retain = countingRetain
    }

    /// How many times the payload whose owner is `owner` was retained (by the plugin, or on
    /// its behalf).
    static func taken(by owner: UnsafeMutableRawPointer?) -> Int {
        state.withLock { $0.counts[UInt(bitPattern: owner)] ?? 0 }
    }

    /// Retains the payload of `owner` as the plugin should have: the output that passed it
    /// on will release it, and the checker must not lose its own reference to that.
    static func retainOnBehalf(of owner: UnsafeMutableRawPointer?) {
        countingRetain(owner)
    }

    fileprivate static func record(_ owner: UnsafeMutableRawPointer?) -> RetainFunction? {
        state.withLock { state in
            state.counts[UInt(bitPattern: owner), default: 0] += 1
            return state.original
        }
    }
}

private let countingRetain: InputRetains.RetainFunction = { owner in
    InputRetains.record(owner)?(owner)
}
