#include "examples/mnist/train_flags.h"

#include <string>

#include "absl/flags/flag.h"
#include "core/status.h"
#include "runtime/mpi_collective.h"

ABSL_FLAG(int64_t, seed, 1, "Seed for weight initialization and shuffling.");
ABSL_FLAG(std::string, save_graph, "",
          "Write the training GraphDef here (.pb binary, .pbtxt text).");
ABSL_FLAG(std::string, logdir, "",
          "If set, write TensorBoard events there: the graph, and loss, acc, "
          "val_loss and val_acc per epoch.");
ABSL_FLAG(std::string, device, "cpu",
          "cpu, or gpu: the model and the training set on the GPU, each "
          "batch gathered there (falls back to the CPU, with a note, on a "
          "machine without one).");
ABSL_FLAG(std::string, checkpoint_dir, "",
          "If set, save the variables to DIR/model-<epoch> after each epoch "
          "(TensorFlow V2 checkpoints; the last 5 kept).");
ABSL_FLAG(bool, graph_passes, true,
          "Run the graph passes (constant folding, common-subexpression "
          "elimination, MatMul fusion, pruning) on each signature's graph; "
          "false runs the graph as built.");
ABSL_FLAG(int, intra_op_threads, 0,
          "Threads of the CPU's intra-op pool (elementwise kernels and "
          "reductions); 0: one per core. Matrix products and convolutions "
          "run on oneDNN's own OpenMP threads.");
ABSL_FLAG(bool, capture_steps, true,
          "On a GPU, capture the training step as a CUDA Graph once its memory "
          "plan holds and replay it; false launches every kernel each step.");
ABSL_FLAG(bool, plan_memory, true,
          "Plan each signature's output memory in one arena after its first "
          "run; false allocates every output afresh.");

ABSL_FLAG(bool, distributed, false,
          "Data-parallel training as one rank of an MPI job: start with "
          "mpirun -np N; --batch_size is the global batch, split over the "
          "ranks; gradients are averaged over them each step.");
ABSL_FLAG(double, collective_timeout, 300,
          "With --distributed: seconds a rank waits for the others at each "
          "collective before failing (a rank that died or hangs).");

namespace tg {
namespace mnist {

absl::StatusOr<TrainOptions> TrainOptionsFromFlags(int epochs, int batch_size,
                                                   const std::string& program) {
  TG_REQUIRE(epochs >= 0 && batch_size > 0, InvalidArgument,
             "--epochs must be >= 0 and --batch_size > 0");
  TrainOptions options;
  options.epochs = epochs;
  options.batch_size = batch_size;
  TG_ASSIGN_OR_RETURN(options.gpu, ParseDevice(absl::GetFlag(FLAGS_device)));
  options.seed = absl::GetFlag(FLAGS_seed);
  options.save_graph = absl::GetFlag(FLAGS_save_graph);
  options.logdir = absl::GetFlag(FLAGS_logdir);
  options.checkpoint_dir = absl::GetFlag(FLAGS_checkpoint_dir);
  options.graph_passes = absl::GetFlag(FLAGS_graph_passes);
  options.plan_memory = absl::GetFlag(FLAGS_plan_memory);
  options.capture_steps = absl::GetFlag(FLAGS_capture_steps);
  options.intra_op_threads = absl::GetFlag(FLAGS_intra_op_threads);
  if (absl::GetFlag(FLAGS_distributed)) {
    TG_REQUIRE(LaunchedByMpi(), FailedPrecondition,
               "--distributed runs one rank of an MPI job; start it with "
               "mpirun, e.g. mpirun -np 2 ",
               program, " --distributed (as root add --allow-run-as-root)");
    MpiOptions mpi;
    mpi.default_timeout_seconds = absl::GetFlag(FLAGS_collective_timeout);
    TG_REQUIRE(mpi.default_timeout_seconds > 0, InvalidArgument,
               "--collective_timeout must be > 0 seconds");
    TG_ASSIGN_OR_RETURN(options.collective, MpiCollectiveContext(mpi));
    options.gpu_ordinal = MpiLocalRank();
    TG_REQUIRE(batch_size % options.ranks() == 0, InvalidArgument,
               "--batch_size=", batch_size, " does not split evenly over ",
               options.ranks(), " ranks");
  }
  return options;
}

}  // namespace mnist
}  // namespace tg
