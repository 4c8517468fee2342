# Sourced by ./orca and bench/run: the native allocator settings every local trainer process runs with (the trainer
# image sets the same jemalloc configuration in images/trainer.Dockerfile; Maven's test JVMs get the glibc line from
# pom.xml's orca.glibc.tunables). One definition, so the CLI, the benchmarks and their PyTorch references agree.
#
# Why: a fine-tuning step allocates and frees hundreds of MiB of tensors, and on these VMs a freshly touched page costs
# ~3.7 s/GiB. With jemalloc, freed pages are kept for 10 s (dirty_decay_ms) and reused by the next step, yet RSS stays
# bounded (-1, never handing back, grew a JSB fine-tuning to 22 GB; docs/results.md, "Memory within a run"). Without
# it, glibc must neither mmap big blocks (mmap_max=0) nor trim its heap (trim_threshold), and must use one arena
# (arena_max=1): the JVM runs main() on a thread of its own, whose glibc arena lives in 64 MiB heaps that glibc deletes
# whenever one is wholly free, whatever trim_threshold says (heap_trim), so a step re-faulted 110-175 MiB of fresh pages
# and lost ~10 % to PyTorch; on the main arena it faults ~40 MiB (docs/results.md, "Fine-tuning step").
orca_jemalloc=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
orca_jemalloc_conf=oversize_threshold:1,background_thread:true,metadata_thp:auto,dirty_decay_ms:10000,muzzy_decay_ms:0
orca_glibc_tunables=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736:glibc.malloc.arena_max=1

# Exports the settings into the current shell (unless ORCA_NO_ALLOCATOR_TUNING is set; a caller's own MALLOC_CONF or
# GLIBC_TUNABLES wins).
orca_allocator_export() {
  [ -z "${ORCA_NO_ALLOCATOR_TUNING:-}" ] || return 0
  if [ -e "$orca_jemalloc" ]; then
    export LD_PRELOAD="$orca_jemalloc${LD_PRELOAD:+:$LD_PRELOAD}"
    export MALLOC_CONF="${MALLOC_CONF:-$orca_jemalloc_conf}"
  else
    export GLIBC_TUNABLES="${GLIBC_TUNABLES:-$orca_glibc_tunables}"
  fi
}
