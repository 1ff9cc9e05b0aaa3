// Saver: round trips, keep-last-N, errors, and a save killed midway.
#include "runtime/saver.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"
#include "core/file_io.h"
#include "core/io/tensor_bundle.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ops/standard_ops.h"
#include "proto/trackable_object_graph.pb.h"
#include "runtime/client_session.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/tensor_matchers.h"
#include "tests/testing/testdata.h"

namespace tg {
namespace {

using ::testing::AllOf;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::tg::testing::StatusIs;

// Two variables initialized from random values and one int64 step.
struct Model {
  Model() : root(Scope::NewRootScope()) {
    w = ops::Variable(root.WithOpName("dense/kernel"), PartialShape::Of({3, 4}),
                      DT_FLOAT);
    step = ops::Variable(root.WithOpName("global_step"), PartialShape::Scalar(),
                         DT_INT64);
    init_w =
        ops::Assign(root, w, ops::RandomStandardNormal(root, {3, 4}, DT_FLOAT));
    init_step = ops::Assign(root, step, int64_t{41});
    session = std::make_unique<ClientSession>(root);
  }
  absl::Status Init() {
    std::vector<Tensor> out;
    return session->Run({}, {}, {init_w.op(), init_step.op()}, &out);
  }
  absl::StatusOr<Tensor> Get(const Output& v) {
    std::vector<Tensor> out;
    TG_RETURN_IF_ERROR(session->Run({ops::Identity(root, v)}, &out));
    return out[0];
  }
  Scope root;
  Output w, step, init_w, init_step;
  std::unique_ptr<ClientSession> session;
};

TEST(SaverTest, RoundTripBitExactIntoAFreshSession) {
  const std::string dir = testing::TempDir();
  Model a;
  TG_ASSERT_OK(a.Init());
  Saver saver;
  TG_ASSERT_OK_AND_ASSIGN(std::string path,
                          saver.Save(a.session->session(), dir + "/model", 7));
  EXPECT_EQ(path, dir + "/model-7");
  // The index is read by the same reader that reads TensorFlow's.
  TG_ASSERT_OK_AND_ASSIGN(auto reader, BundleReader::Open(path));
  EXPECT_THAT(reader->Names(),
              ::testing::ElementsAre("dense/kernel", "global_step"));

  Model b;  // Never initialized: restore alone makes it usable.
  TG_ASSERT_OK(saver.Restore(b.session->session(), path));
  TG_ASSERT_OK_AND_ASSIGN(Tensor wa, a.Get(a.w));
  TG_ASSERT_OK_AND_ASSIGN(Tensor wb, b.Get(b.w));
  EXPECT_THAT(wb, ::tg::testing::BitIdenticalTo(wa));
  TG_ASSERT_OK_AND_ASSIGN(Tensor sb, b.Get(b.step));
  EXPECT_EQ(sb.scalar<int64_t>(), 41);
  TG_ASSERT_OK_AND_ASSIGN(std::string latest, LatestCheckpoint(dir));
  EXPECT_EQ(latest, path);
}

TEST(SaverTest, KeepsTheLastN) {
  const std::string dir = testing::TempDir();
  Model m;
  TG_ASSERT_OK(m.Init());
  Saver saver(SaverOptions{.max_to_keep = 3});
  for (int step = 1; step <= 7; ++step) {
    TG_ASSERT_OK(
        saver.Save(m.session->session(), dir + "/ckpt", step).status());
  }
  for (int step = 1; step <= 7; ++step) {
    const bool kept = step >= 5;
    EXPECT_EQ(BundleReader::Open(absl::StrCat(dir, "/ckpt-", step)).ok(), kept)
        << step;
  }
  TG_ASSERT_OK_AND_ASSIGN(std::string state,
                          ReadFileToString(dir + "/checkpoint"));
  EXPECT_THAT(state, AllOf(HasSubstr("model_checkpoint_path: \"ckpt-7\""),
                           HasSubstr("\"ckpt-5\""),
                           ::testing::Not(HasSubstr("\"ckpt-4\""))));
}

TEST(SaverTest, Errors) {
  const std::string dir = testing::TempDir();
  Model m;
  Saver saver;
  EXPECT_THAT(
      saver.Save(m.session->session(), dir + "/x").status(),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               AllOf(HasSubstr("dense/kernel"), HasSubstr("not initialized"))));
  EXPECT_THAT(LatestCheckpoint(dir).status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr(dir)));
  EXPECT_THAT(saver.Restore(m.session->session(), dir + "/absent"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("absent")));
  // A checkpoint missing a variable, and one with the wrong shape.
  {
    TG_ASSERT_OK_AND_ASSIGN(auto w, BundleWriter::Create(dir + "/partial"));
    TG_ASSERT_OK(w->Add("dense/kernel", Tensor(DT_FLOAT, TensorShape({3, 4}))));
    TG_ASSERT_OK(w->Finish());
  }
  EXPECT_THAT(
      saver.Restore(m.session->session(), dir + "/partial"),
      StatusIs(absl::StatusCode::kNotFound, HasSubstr("'global_step'")));
  {
    TG_ASSERT_OK_AND_ASSIGN(auto w, BundleWriter::Create(dir + "/shape"));
    TG_ASSERT_OK(w->Add("dense/kernel", Tensor(DT_FLOAT, TensorShape({4, 3}))));
    TG_ASSERT_OK(w->Add("global_step", Tensor::Scalar<int64_t>(1)));
    TG_ASSERT_OK(w->Finish());
  }
  EXPECT_THAT(saver.Restore(m.session->session(), dir + "/shape"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("[4,3]"), HasSubstr("[3,4]"))));
}

// Runs save_loop (a checkpoint of a 16 MiB variable per step, keeping two)
// and kills it with SIGKILL at a different moment each round. The latest
// recorded checkpoint must always restore, whole and consistent.
TEST(SaverTest, KilledInTheMiddleOfASaveLeavesTheLastCheckpointIntact) {
  const std::string helper = "tests/runtime/save_loop";
  for (int round = 0; round < 6; ++round) {
    const std::string dir = testing::TempDir();
    int out[2];
    ASSERT_EQ(pipe(out), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      execl(helper.c_str(), helper.c_str(), dir.c_str(), nullptr);
      _exit(127);
    }
    close(out[1]);
    // Wait for the first completed checkpoint, then a little more.
    char buf[16];
    ASSERT_GT(read(out[0], buf, sizeof(buf)), 0) << "save_loop did not start";
    std::this_thread::sleep_for(std::chrono::milliseconds(7 * round + 3));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    close(out[0]);
    ASSERT_TRUE(WIFSIGNALED(status)) << "save_loop exited on its own";

    TG_ASSERT_OK_AND_ASSIGN(std::string latest, LatestCheckpoint(dir));
    const int step = std::stoi(latest.substr(latest.rfind('-') + 1));
    Scope root = Scope::NewRootScope();
    auto var = ops::Variable(root.WithOpName("big"),
                             PartialShape::Of({2048, 2048}), DT_FLOAT);
    ClientSession session(root);
    Saver saver;
    TG_ASSERT_OK(saver.Restore(session.session(), latest)) << "round " << round;
    std::vector<Tensor> values;
    TG_ASSERT_OK(session.Run({ops::Identity(root, var)}, &values));
    const float* p = values[0].data<float>();
    for (int64_t i = 0; i < values[0].NumElements(); ++i) {
      ASSERT_EQ(p[i], static_cast<float>(step)) << "element " << i;
    }
  }
}

// The object graphs pair objects by child name from their roots, whatever
// their node ids: the checkpoint's model/dense/kernel is node 3, the
// SavedModel's node 5; keys come from the checkpoint's attributes.
TEST(ObjectGraphTest, PairsObjectsByNameFromTheRoots) {
  using Ckpt = ::tensorgraph::TrackableObjectGraph;
  Ckpt ckpt;
  auto child = [](auto* node, int id, const char* name) {
    auto* c = node->add_children();
    c->set_node_id(id);
    c->set_local_name(name);
  };
  for (int i = 0; i < 5; ++i) ckpt.add_nodes();
  child(ckpt.mutable_nodes(0), 1, "model");
  child(ckpt.mutable_nodes(1), 2, "dense");
  child(ckpt.mutable_nodes(2), 3, "kernel");
  child(ckpt.mutable_nodes(2), 4, "bias");
  for (auto [id, key] :
       {std::pair<int, const char*>{3, "k/VALUE"}, {4, "b/VALUE"}}) {
    auto* a = ckpt.mutable_nodes(id)->add_attributes();
    a->set_name("VARIABLE_VALUE");
    a->set_checkpoint_key(key);
  }
  ::tensorgraph::SavedObjectGraph saved;
  for (int i = 0; i < 6; ++i) saved.add_nodes();
  child(saved.mutable_nodes(0), 2, "model");
  child(saved.mutable_nodes(2), 1, "dense");
  child(saved.mutable_nodes(1), 4, "bias");
  child(saved.mutable_nodes(1), 5, "kernel");
  saved.mutable_nodes(5)->mutable_variable()->set_name("dense_kernel");
  saved.mutable_nodes(4)->mutable_variable()->set_name("dense_bias");
  const std::string dir = ::testing::TempDir() + "/object_graph";
  TG_ASSERT_OK(CreateDirectories(dir));
  auto write = [&](const std::string& prefix, const Tensor& graph) {
    TG_ASSERT_OK_AND_ASSIGN(auto w, BundleWriter::Create(prefix));
    TG_ASSERT_OK(w->Add("_CHECKPOINTABLE_OBJECT_GRAPH", graph));
    TG_ASSERT_OK(w->Finish());
  };
  Tensor serialized(DT_STRING, TensorShape());
  serialized.flat<std::string>()[0] = ckpt.SerializeAsString();
  write(dir + "/good", serialized);
  TG_ASSERT_OK_AND_ASSIGN(auto keys,
                          ObjectGraphCheckpointKeys(saved, dir + "/good"));
  EXPECT_EQ(keys, (std::map<std::string, std::string>{
                      {"dense_bias", "b/VALUE"}, {"dense_kernel", "k/VALUE"}}));
  // A child id past the end, and a tensor that is no object graph.
  ckpt.mutable_nodes(2)->mutable_children(0)->set_node_id(99);
  serialized.flat<std::string>()[0] = ckpt.SerializeAsString();
  write(dir + "/bad_id", serialized);
  EXPECT_THAT(ObjectGraphCheckpointKeys(saved, dir + "/bad_id").status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("node 99")));
  write(dir + "/not_a_graph", Tensor::Scalar(1.0f));
  EXPECT_THAT(ObjectGraphCheckpointKeys(saved, dir + "/not_a_graph").status(),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("_CHECKPOINTABLE_OBJECT_GRAPH")));
}

}  // namespace
}  // namespace tg
