#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The baselines every hub figure is compared with, measured in the same run.

/// A bounded ring buffer handed between threads with no routing at all: one pthread mutex
/// taken per element, and condition variables for the wake-ups (a waiter is signalled only
/// when someone actually waits, the way a careful hand-written queue does it).
public final class LockedRing<Element>: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let notEmpty = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let notFull = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let storage: UnsafeMutablePointer<Element>
    private let capacity: Int
    private var head = 0
    private var count = 0
    private var waitingReaders = 0
    private var waitingWriters = 0

    public init(capacity: Int) {
        self.capacity = capacity
        storage = .allocate(capacity: capacity)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(notEmpty, nil)
        pthread_cond_init(notFull, nil)
    }

    deinit {
        var index = head
        for _ in 0..<count {
            (storage + index).deinitialize(count: 1)
            index = (index + 1) % capacity
        }
        storage.deallocate()
        pthread_cond_destroy(notEmpty)
        pthread_cond_destroy(notFull)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        notEmpty.deallocate()
        notFull.deallocate()
    }

    public func push(_ element: Element) {
        pthread_mutex_lock(mutex)
        while count == capacity {
            waitingWriters += 1
            pthread_cond_wait(notFull, mutex)
            waitingWriters -= 1
        }
        (storage + (head + count) % capacity).initialize(to: element)
        count += 1
        if waitingReaders > 0 { pthread_cond_signal(notEmpty) }
        pthread_mutex_unlock(mutex)
    }

    /// Pushes `elements` in order under one lock per stretch that fits (waiting for room in between).
    public func push(contentsOf elements: UnsafeBufferPointer<Element>) {
        var next = 0
        pthread_mutex_lock(mutex)
        while next < elements.count {
            while count == capacity {
                waitingWriters += 1
                pthread_cond_wait(notFull, mutex)
                waitingWriters -= 1
            }
            while count < capacity && next < elements.count {
                (storage + (head + count) % capacity).initialize(to: elements[next])
                count += 1
                next += 1
            }
            if waitingReaders > 0 { pthread_cond_signal(notEmpty) }
        }
        pthread_mutex_unlock(mutex)
    }

    /// Waits for at least one element, then moves every queued one (at most `limit`) into `batch`.
    public func pop(into batch: inout [Element], limit: Int) {
        pthread_mutex_lock(mutex)
        while count == 0 {
            waitingReaders += 1
            pthread_cond_wait(notEmpty, mutex)
            waitingReaders -= 1
        }
        for _ in 0..<Swift.min(count, limit) {
            batch.append((storage + head).move())
            head = (head + 1) % capacity
            count -= 1
        }
        if waitingWriters > 0 { pthread_cond_signal(notFull) }
        pthread_mutex_unlock(mutex)
    }

    public func pop() -> Element {
        pthread_mutex_lock(mutex)
        while count == 0 {
            waitingReaders += 1
            pthread_cond_wait(notEmpty, mutex)
            waitingReaders -= 1
        }
        let element = (storage + head).move()
        head = (head + 1) % capacity
        count -= 1
        if waitingWriters > 0 { pthread_cond_signal(notFull) }
        pthread_mutex_unlock(mutex)
        return element
    }
}

/// Baseline: `Int`s (no reference counting, nothing to route) through a `LockedRing` between
/// two OS threads — the floor any hand-off of one item at a time between threads pays here.
/// With `batch` > 1 the writer pushes that many under one lock and the reader takes everything
/// queued under one lock.
public func intRingHandoff(count: Int, batch: Int = 1, capacity: Int = 1024) -> Measured {
    let ring = LockedRing<Int>(capacity: capacity)
    let start = ContinuousClock.now
    let reader = JoinableThread {
        var sum = 0
        var read = 0
        if batch <= 1 {
            for _ in 0..<count { sum &+= ring.pop() }
            read = count
        } else {
            var taken: [Int] = []
            taken.reserveCapacity(capacity)
            while read < count {
                ring.pop(into: &taken, limit: capacity)
                read += taken.count
                for value in taken { sum &+= value }
                taken.removeAll(keepingCapacity: true)
            }
        }
        precondition(read == count)
        consume(sum)
    }
    let writer = JoinableThread {
        if batch <= 1 {
            for value in 0..<count { ring.push(value) }
        } else {
            let values = Array(0..<batch)
            values.withUnsafeBufferPointer { values in
                var written = 0
                while written < count {
                    let size = Swift.min(batch, count - written)
                    ring.push(contentsOf: UnsafeBufferPointer(rebasing: values[0..<size]))
                    written += size
                }
            }
        }
    }
    writer.join()
    reader.join()
    return Measured(elapsed: ContinuousClock.now - start, items: count)
}

/// A plain OS thread that can be joined (the ring baseline must not borrow the Swift
/// concurrency pool's threads).
public struct JoinableThread {
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    private let handle: pthread_t

    public init(_ body: @escaping () -> Void) {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var handle = pthread_t()
        let status = pthread_create(&handle, nil, { context in
            Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context)
        precondition(status == 0, "pthread_create failed: \(status)")
        self.handle = handle
    }

    public func join() {
        pthread_join(handle, nil)
    }
}

/// A value the optimiser must assume is used.
@inline(never)
public func consume<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
