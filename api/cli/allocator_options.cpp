// jemalloc's options for the shipped binary. This file is compiled into
// the `fundledger` executable only when it is linked with jemalloc
// (FL_JEMALLOC, CMakeLists.txt); jemalloc reads the variable at its first
// allocation, before main.
//
// thp:always: jemalloc asks the kernel for transparent huge pages on the
// memory it maps (madvise), which Debian's kernels grant only on request
// (THP mode "madvise"). A replay of the 1M-entry fixture builds ~0.8 GB of
// small rows; with 4 KiB pages it took 220k page faults and TLB misses on
// every row lookup. jemalloc alone cut its wall time by ~16%, with this
// option by ~25% (docs/PERFORMANCE.md, "Session of 2026-12-05 (fourth)").
extern "C" {
// The name and type are jemalloc's interface.
const char* malloc_conf = "thp:always,metadata_thp:auto";
}
