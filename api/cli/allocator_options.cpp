// jemalloc's options for the shipped binary. This file is compiled into
// the `fundledger` executable only when it is linked with jemalloc
// (FL_JEMALLOC, CMakeLists.txt); jemalloc reads the variable at its first
// allocation, before main.
//
// No transparent huge pages for the heap (jemalloc's default follows the
// kernel, and Debian's grants them only on request). From the fourth to
// the eighteenth session this asked for them (thp:always): a replay then
// built ~0.8 GB of small rows and took a TLB miss on every lookup. Its
// State is now flat tables in arenas (~0.4 GB), and the huge pages cost
// more than they saved: each fresh 2 MiB page is zeroed at its first
// touch, which in this VM is also the host backing new guest memory. The
// append leader's memtable arenas and buffers paid that on the serial
// path (clear_page was 23% of the leader's samples). An A/B of one binary
// (nineteenth session, docs/PERFORMANCE.md): import -10% wall, trusted
// appends +3-16%, replay the same or faster, peak RSS ~35 MB lower.
//
// metadata_thp:auto: jemalloc's own metadata may still use huge pages
// once it is large, as before. The name and type are jemalloc's interface.
extern "C" {
const char* malloc_conf = "metadata_thp:auto";
}
