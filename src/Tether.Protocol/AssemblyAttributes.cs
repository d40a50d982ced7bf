// Parsing methods declare many small struct locals (one per property kind); zeroing them on every call is
// measurable on the publish path, and every one of them is assigned before it is read.
[module: System.Runtime.CompilerServices.SkipLocalsInit]
