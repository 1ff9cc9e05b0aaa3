// The epoch loop of the MNIST trainers (TrainClassifier, classifier.h), in
// one process or as one rank of data-parallel training.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <numeric>
#include <random>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/io/event_file.h"
#include "examples/mnist/classifier.h"
#include "graph/graph_def_io.h"
#include "runtime/saver.h"

namespace tg {
namespace mnist {

train::DistributedOptions TrainOptions::distributed() const {
  train::DistributedOptions d;
  d.rank = rank();
  d.size = ranks();
  return d;
}

namespace {

// The instance key of the trainer's own all-reduces (metrics, the epoch to
// resume at), apart from the graph's (train::DistributedOptions).
constexpr int64_t kTrainerInstanceKey = int64_t{1} << 29;

// This process's place among the ranks.
struct Ranks {
  CollectiveContext* context = nullptr;  // null: alone
  int rank = 0, size = 1;
  bool chief() const { return rank == 0; }
};

// `values` summed over the ranks, in place.
absl::Status SumOverRanks(const Ranks& r, std::vector<double>* values) {
  if (r.size == 1) return absl::OkStatus();
  Tensor t = Tensor::FromVector<double>(*values);
  TG_RETURN_IF_ERROR(
      r.context->AllReduce({kTrainerInstanceKey, 0}, MergeOp::kAdd, &t));
  std::copy_n(t.data<double>(), values->size(), values->begin());
  return absl::OkStatus();
}

void DrawProgress(int step, int steps, double loss, double acc) {
  constexpr int kWidth = 30;
  const int filled = steps == 0 ? kWidth : step * kWidth / steps;
  std::string bar(kWidth, '.');
  std::fill_n(bar.begin(), filled, '=');
  if (filled < kWidth) bar[filled] = '>';
  std::printf("\r%d/%d [%s] - loss: %.4f - acc: %.4f", step, steps, bar.c_str(),
              loss, acc);
  std::fflush(stdout);
}

// Rows [begin, end) of a [n, ...] tensor, copied.
template <typename T>
Tensor Rows(const Tensor& src, int64_t begin, int64_t end) {
  TensorShape shape = src.shape();
  shape.set_dim(0, end - begin);
  Tensor out(src.dtype(), shape);
  const int64_t row =
      src.NumElements() / std::max<int64_t>(src.shape().dim_size(0), 1);
  std::copy_n(src.data<T>() + begin * row, (end - begin) * row, out.data<T>());
  return out;
}

struct Metrics {
  double loss = 0, accuracy = 0;
};

// Loss and accuracy over the test set, in runs of `batch` images (0: one
// run), with dropout off and batch norm in inference mode. Each rank
// evaluates its contiguous share; the sums are added over the ranks.
absl::StatusOr<Metrics> Evaluate(const ClientSession& session,
                                 const Classifier& m, const Split& test,
                                 int batch, const Ranks& ranks) {
  const int64_t n = test.images.shape().dim_size(0);
  const int64_t lo = n * ranks.rank / ranks.size;
  const int64_t hi = n * (ranks.rank + 1) / ranks.size;
  const int64_t step = batch > 0 ? batch : std::max<int64_t>(hi - lo, 1);
  std::vector<double> sums = {0, 0};
  std::vector<Tensor> out;
  for (int64_t b = lo; b < hi; b += step) {
    const int64_t e = std::min(hi, b + step);
    // One run over the whole set feeds it as it is, without a copy.
    const bool whole = b == 0 && e == n;
    ClientSession::FeedType feeds = {
        {m.x, whole ? test.images : Rows<float>(test.images, b, e)},
        {m.y, whole ? test.labels : Rows<int32_t>(test.labels, b, e)}};
    if (m.dropout_rate.valid()) feeds[m.dropout_rate] = Tensor::Scalar(0.0f);
    if (m.training.valid()) feeds[m.training] = Tensor::Scalar(false);
    TG_RETURN_IF_ERROR(session.Run(feeds, {m.loss, m.accuracy}, &out));
    sums[0] += out[0].scalar<float>() * (e - b);
    sums[1] += out[1].scalar<float>() * (e - b);
  }
  TG_RETURN_IF_ERROR(SumOverRanks(ranks, &sums));
  const double count = static_cast<double>(std::max<int64_t>(n, 1));
  return Metrics{sums[0] / count, sums[1] / count};
}

// One line on how the GPU ran the training step.
void ReportCapture(const StepCaptureInfo& c) {
  if (c.captures > 0) {
    std::printf(
        "Training step captured as a CUDA Graph: %d recording(s), "
        "%lld replays\n",
        c.captures, static_cast<long long>(c.replays));
  }
  const std::string& why = !c.refused.empty() ? c.refused : c.failure;
  if (!why.empty()) {
    std::printf("Training step %s as a CUDA Graph: %s\n",
                c.captures > 0 ? "no longer replayed" : "not replayed",
                why.c_str());
  }
  std::fflush(stdout);
}

absl::Status WriteGraphs(const Scope& root, const TrainOptions& o,
                         std::unique_ptr<EventFileWriter>* events) {
  GraphDef def;
  TG_RETURN_IF_ERROR(root.ToGraphDef(&def));
  if (!o.save_graph.empty()) {
    TG_RETURN_IF_ERROR(WriteGraphDefFile(def, o.save_graph));
    std::printf("Wrote the training graph (%d nodes) to %s\n", def.node_size(),
                o.save_graph.c_str());
  }
  if (!o.logdir.empty()) {
    TG_ASSIGN_OR_RETURN(*events, EventFileWriter::Create(o.logdir));
    TG_RETURN_IF_ERROR((*events)->WriteGraph(def));
  }
  return absl::OkStatus();
}

// One pass over the training set; the mean loss and accuracy of its steps
// (over every rank's examples). `step_fn`: the callable of one step
// (Batches' feeds; loss and accuracy; the train op). Step k takes
// order[k * global, (k + 1) * global), of which this rank takes its
// local_batch() examples.
absl::StatusOr<Metrics> TrainEpoch(const ClientSession& session,
                                   CallableHandle step_fn, Batches& batches,
                                   const std::vector<int64_t>& order,
                                   const TrainOptions& o, const Ranks& ranks) {
  const int global = o.batch_size, local = o.local_batch();
  const int steps = static_cast<int>(order.size() / global);
  // No bar under an MPI launcher: it hands every rank a terminal, and the
  // bar would interleave with its output in the job's log.
  const bool tty = ranks.size == 1 && isatty(STDOUT_FILENO) != 0;
  std::vector<double> sums = {0, 0};
  std::vector<Tensor> out;
  for (int step = 0; step < steps; ++step) {
    const size_t begin = size_t(step) * global + size_t(ranks.rank) * local;
    TG_RETURN_IF_ERROR(
        session.RunCallable(step_fn, batches.Fill(order, begin), &out));
    sums[0] += out[0].scalar<float>();
    sums[1] += out[1].scalar<float>();
    if (tty && (step % 10 == 9 || step + 1 == steps)) {
      DrawProgress(step + 1, steps, sums[0] / (step + 1), sums[1] / (step + 1));
    }
  }
  if (tty) std::printf("\r\033[K");
  TG_RETURN_IF_ERROR(SumOverRanks(ranks, &sums));
  const double count = std::max(steps, 1) * double(ranks.size);
  return Metrics{sums[0] / count, sums[1] / count};
}

// The epochs a checkpoint in o.checkpoint_dir already trained (0 without
// one), after restoring it into the session; on the chief only (the others
// return 0 and receive the values through the broadcast).
absl::StatusOr<int> Restore(const ClientSession& session, Saver& saver,
                            const TrainOptions& o, const Ranks& ranks) {
  if (o.checkpoint_dir.empty() || !ranks.chief()) return 0;
  absl::StatusOr<std::string> latest = LatestCheckpoint(o.checkpoint_dir);
  if (absl::IsNotFound(latest.status())) return 0;
  TG_RETURN_IF_ERROR(latest.status());
  int epoch = 0;
  const size_t dash = latest->rfind('-');
  TG_REQUIRE(dash != std::string::npos &&
                 absl::SimpleAtoi(latest->substr(dash + 1), &epoch) &&
                 epoch >= 0,
             InvalidArgument, "the latest checkpoint in ", o.checkpoint_dir,
             " is ", *latest,
             ", not one this trainer wrote (model-<epoch>); use another "
             "--checkpoint_dir");
  TG_RETURN_IF_ERROR(saver.Restore(session.session(), *latest));
  std::printf("Restored %s: resuming after epoch %d\n", latest->c_str(), epoch);
  std::fflush(stdout);
  return epoch;
}

// Initializes the variables (restoring the latest checkpoint, when there is
// one, and making every rank's the chief's) and loads the data; returns
// the epochs already trained.
absl::StatusOr<int> Start(const ClientSession& session, const Classifier& m,
                          Batches& batches, Saver& saver, const TrainOptions& o,
                          const Ranks& ranks) {
  TG_RETURN_IF_ERROR(session.Run({}, {}, {m.init}, nullptr));
  TG_ASSIGN_OR_RETURN(int done, Restore(session, saver, o, ranks));
  if (ranks.size > 1) {
    TG_REQUIRE(m.broadcast.valid(), InvalidArgument,
               "data-parallel training over ", ranks.size,
               " ranks needs a model built with TrainOptions::distributed()");
    TG_RETURN_IF_ERROR(session.Run({}, {}, {m.broadcast}, nullptr));
    std::vector<double> epochs = {double(done)};
    TG_RETURN_IF_ERROR(SumOverRanks(ranks, &epochs));
    done = static_cast<int>(epochs[0]);
  }
  TG_RETURN_IF_ERROR(batches.Load(session));
  return done;
}

// The chief's report of one epoch: its line, TensorBoard scalars and a
// checkpoint.
absl::Status EndEpoch(const ClientSession& session, Saver& saver,
                      EventFileWriter* events, const TrainOptions& o, int epoch,
                      double seconds, const Metrics& train,
                      const Metrics& val) {
  std::printf(
      "Epoch %d/%d - %.2fs - loss: %.4f - acc: %.4f - val_loss: %.4f - "
      "val_acc: %.4f\n",
      epoch, o.epochs, seconds, train.loss, train.accuracy, val.loss,
      val.accuracy);
  std::fflush(stdout);
  if (events != nullptr) {
    for (const auto& [tag, value] :
         {std::pair<const char*, double>{"loss", train.loss},
          {"acc", train.accuracy},
          {"val_loss", val.loss},
          {"val_acc", val.accuracy}}) {
      TG_RETURN_IF_ERROR(
          events->WriteScalar(epoch, tag, static_cast<float>(value)));
    }
  }
  if (!o.checkpoint_dir.empty()) {
    TG_RETURN_IF_ERROR(
        saver.Save(session.session(), o.checkpoint_dir + "/model", epoch)
            .status());
  }
  return absl::OkStatus();
}

SessionOptions SessionOptionsFor(const TrainOptions& o) {
  SessionOptions options;
  // A GPU that does not exist here falls back to the first, with a note.
  if (o.gpu) {
    options.placement.default_device =
        absl::StrCat("/device:GPU:", o.gpu_ordinal);
  }
  if (!o.graph_passes) options.graph_passes = {false, false, false, false};
  options.plan_memory = o.plan_memory;
  options.capture_steps = o.capture_steps;
  options.intra_op_threads = o.intra_op_threads;
  if (o.collective != nullptr) options.collective = o.collective;
  return options;
}

}  // namespace

absl::Status TrainClassifier(const Scope& root, const Classifier& m,
                             const Dataset& data, Batches& batches,
                             const TrainOptions& o) {
  TG_REQUIRE(o.epochs >= 0 && o.batch_size > 0, InvalidArgument,
             "--epochs must be >= 0 and --batch_size > 0");
  const Ranks ranks{o.collective.get(), o.rank(), o.ranks()};
  TG_REQUIRE(o.batch_size % ranks.size == 0, InvalidArgument, "the batch of ",
             o.batch_size, " does not split evenly over ", ranks.size,
             " ranks");
  std::unique_ptr<EventFileWriter> events;
  if (ranks.chief()) {
    TG_RETURN_IF_ERROR(WriteGraphs(root, o, &events));
    if (ranks.size > 1) {
      std::printf(
          "Data-parallel over %d ranks (%s): %d examples per rank per step; "
          "each step all-reduces %lld bytes of gradients in %d call(s)\n",
          ranks.size, o.collective->name().c_str(), o.local_batch(),
          static_cast<long long>(m.allreduce_bytes), m.allreduce_calls);
      std::fflush(stdout);
    }
  }
  Saver saver;
  ClientSession session(root, SessionOptionsFor(o));
  TG_ASSIGN_OR_RETURN(int done, Start(session, m, batches, saver, o, ranks));
  TG_ASSIGN_OR_RETURN(CallableHandle step_fn,
                      session.MakeCallable(batches.FeedOutputs(m),
                                           {m.loss, m.accuracy}, {m.train}));
  std::vector<int64_t> order(data.train.images.shape().dim_size(0));
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 shuffle_rng(o.seed);
  // A resumed run shuffles as the uninterrupted one would have.
  for (int epoch = 1; epoch <= done; ++epoch) {
    std::shuffle(order.begin(), order.end(), shuffle_rng);
  }
  if (done >= o.epochs && done > 0 && ranks.chief()) {
    std::printf(
        "Nothing to train: the checkpoint has %d epoch(s), --epochs "
        "is %d\n",
        done, o.epochs);
  }
  for (int epoch = done + 1; epoch <= o.epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    std::shuffle(order.begin(), order.end(), shuffle_rng);
    TG_ASSIGN_OR_RETURN(Metrics train,
                        TrainEpoch(session, step_fn, batches, order, o, ranks));
    TG_ASSIGN_OR_RETURN(
        Metrics val, Evaluate(session, m, data.test, o.eval_batch_size, ranks));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    if (ranks.chief()) {
      TG_RETURN_IF_ERROR(EndEpoch(session, saver, events.get(), o, epoch,
                                  seconds, train, val));
    }
  }
  if (o.gpu && ranks.chief()) {
    TG_ASSIGN_OR_RETURN(StepCaptureInfo capture,
                        session.session()->CallableCaptureInfo(step_fn));
    ReportCapture(capture);
  }
  return absl::OkStatus();
}

}  // namespace mnist
}  // namespace tg
