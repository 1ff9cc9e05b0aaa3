// The collective context of processes started by an MPI launcher (Open
// MPI's mpirun): rank and size from MPI_COMM_WORLD, all-reduce and
// broadcast of host tensors by MPI_Iallreduce / MPI_Ibcast, in place.
// Before each call the ranks agree on what it is (instance key, dtype,
// element count, the sender): a graph that differs between workers fails on
// every rank naming the node and both descriptions. A call waits at most its
// timeout_seconds (or the context's default) for the other ranks, then
// fails with DeadlineExceeded; the context is then broken (every later call
// fails at once) and the process should exit.
#ifndef TG_RUNTIME_MPI_COLLECTIVE_H_
#define TG_RUNTIME_MPI_COLLECTIVE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "core/collective.h"

namespace tg {

struct MpiOptions {
  // Seconds a call waits for the other ranks when its op says 0.
  double default_timeout_seconds = 300;
};

// True when this process was started by an MPI launcher (its environment
// says so), so MPI can be initialized with more than one rank.
bool LaunchedByMpi();

// This process's rank among the job's processes on its host (the
// launcher's OMPI_COMM_WORLD_LOCAL_RANK or MPI_LOCALRANKID); 0 when not
// launched by one. Which GPU a rank takes on a host with several.
int MpiLocalRank();

// Initializes MPI once per process (MPI_Init_thread) and returns the
// context; MPI is finalized when the last reference goes, unless a call
// failed (the other ranks may be stuck in it).
absl::StatusOr<std::shared_ptr<CollectiveContext>> MpiCollectiveContext(
    const MpiOptions& options = MpiOptions());

}  // namespace tg

#endif  // TG_RUNTIME_MPI_COLLECTIVE_H_
