import ManifoldFuzzDriver

// libFuzzer calls this with each input.
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzDriver.test(.graphManifest, data, size)
}

FuzzDriver.run(testOneInput)
