// Each graph pass: the graph it writes, and that a session's results do
// not change with it (values computed here by hand).
#include "graph/passes/passes.h"

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ops/standard_ops.h"
#include "runtime/client_session.h"
#include "runtime/session.h"
#include "tests/testing/status_matchers.h"

namespace tg {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;
using ::tg::testing::StatusIs;

GraphDef Def(const Scope& root) {
  GraphDef def;
  EXPECT_TRUE(root.ToGraphDef(&def).ok());
  return def;
}

std::vector<std::string> Ops(const GraphDef& def) {
  std::vector<std::string> ops;
  for (const NodeDef& n : def.node()) ops.push_back(n.op());
  return ops;
}

const NodeDef* Find(const GraphDef& def, const std::string& name) {
  for (const NodeDef& n : def.node()) {
    if (n.name() == name) return &n;
  }
  return nullptr;
}

PassContext Keep(std::vector<std::string> keep,
                 std::vector<std::string> fed = {}) {
  PassContext c;
  c.keep.insert(keep.begin(), keep.end());
  c.fed.insert(fed.begin(), fed.end());
  return c;
}

SessionOptions Passes(bool on) {
  SessionOptions o;
  if (!on) o.graph_passes = {false, false, false, false};
  return o;
}

TEST(CsePassTest, MergesDuplicatesAndChainsOfThem) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  Output a = ops::Exp(root.WithOpName("a"), ops::Square(root, x));
  Output b = ops::Exp(root.WithOpName("b"), ops::Square(root, x));
  ops::Add(root.WithOpName("y"), a, b);
  GraphDef def = Def(root);
  TG_ASSERT_OK(EliminateCommonSubexpressions(Keep({"x", "y"}, {"x"}), &def));
  TG_ASSERT_OK(PruneDeadNodes(Keep({"x", "y"}, {"x"}), &def));
  EXPECT_THAT(Ops(def),
              UnorderedElementsAre("Placeholder", "Square", "Exp", "Add"));
  const NodeDef* y = Find(def, "y");
  ASSERT_NE(y, nullptr);
  EXPECT_EQ(y->input(0), y->input(1));
}

TEST(CsePassTest, KeepsKeptAndStatefulNodes) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  ops::Square(root.WithOpName("s1"), x);
  ops::Square(root.WithOpName("s2"), x);
  Output shape = ops::Const(root.WithOpName("shape"), {2});
  ops::RandomUniform(root.WithOpName("r1"), shape, DT_FLOAT, 5, 7);
  ops::RandomUniform(root.WithOpName("r2"), shape, DT_FLOAT, 5, 7);
  GraphDef def = Def(root);
  const PassContext keep = Keep({"x", "s1", "s2", "r1", "r2"}, {"x"});
  TG_ASSERT_OK(EliminateCommonSubexpressions(keep, &def));
  EXPECT_EQ(def.node_size(), 6);
}

TEST(CsePassTest, ResultsAreUnchanged) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  Output y = ops::Mul(root, ops::Add(root, x, 1.0f), ops::Add(root, x, 1.0f));
  for (bool on : {true, false}) {
    ClientSession session(root, Passes(on));
    std::vector<Tensor> out;
    TG_ASSERT_OK(
        session.Run({{x, Tensor::FromVector<float>({1, 2, -3})}}, {y}, &out));
    EXPECT_THAT(out[0].flat<float>(), ElementsAre(4, 9, 4)) << on;
  }
}

// Evaluates constants through a CPU session, as the runtime does.
absl::StatusOr<std::vector<Tensor>> Evaluate(
    const GraphDef& def, const std::vector<std::string>& fetches) {
  TG_ASSIGN_OR_RETURN(std::unique_ptr<Session> s,
                      Session::Create(def, Passes(false)));
  std::vector<Tensor> out;
  TG_RETURN_IF_ERROR(s->Run({}, fetches, {}, &out));
  return out;
}

TEST(ConstantFoldingTest, ReplacesConstantSubgraphsByTheirValue) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  Output c = ops::Mul(root.WithOpName("c"), ops::Const(root, 2.0f),
                      ops::Add(root, ops::Const(root, 1.0f), 2.0f));
  ops::Add(root.WithOpName("y"), x, c);
  GraphDef def = Def(root);
  PassContext context = Keep({"x", "y"}, {"x"});
  context.evaluate = Evaluate;
  TG_ASSERT_OK(FoldConstants(context, 1 << 20, &def));
  TG_ASSERT_OK(PruneDeadNodes(context, &def));
  EXPECT_THAT(Ops(def), UnorderedElementsAre("Placeholder", "Const", "Add"));
  const NodeDef* folded = Find(def, "c/folded_0");
  ASSERT_NE(folded, nullptr);
  TG_ASSERT_OK_AND_ASSIGN(Tensor v, GetAttr<Tensor>(folded->attr(), "value"));
  EXPECT_EQ(v.scalar<float>(), 6.0f);
  EXPECT_EQ(Find(def, "y")->input(1), "c/folded_0");
}

TEST(ConstantFoldingTest, NodesPinnedElsewhereFoldOnTheCpuAndKeepTheirDevice) {
  Scope root = Scope::NewRootScope();
  Scope gpu = root.WithDevice("/device:GPU:0");
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  Output c = ops::Square(gpu.WithOpName("c"), ops::Const(gpu, 3.0f));
  ops::Add(root.WithOpName("y"), x, c);
  GraphDef def = Def(root);
  PassContext context = Keep({"x", "y"}, {"x"});
  context.evaluate = Evaluate;
  TG_ASSERT_OK(FoldConstants(context, 1 << 20, &def));
  const NodeDef* folded = Find(def, "c/folded_0");
  ASSERT_NE(folded, nullptr);
  EXPECT_EQ(folded->device(), "/device:GPU:0");
  TG_ASSERT_OK_AND_ASSIGN(Tensor v, GetAttr<Tensor>(folded->attr(), "value"));
  EXPECT_EQ(v.scalar<float>(), 9.0f);
}

TEST(ConstantFoldingTest, LeavesFedStatefulAndLargeValuesAlone) {
  Scope root = Scope::NewRootScope();
  Output k = ops::Const(root.WithOpName("k"), 3.0f);
  ops::Square(root.WithOpName("fed_sq"), k);
  Output shape = ops::Const(root.WithOpName("shape"), {4});
  Output r = ops::RandomUniform(root.WithOpName("r"), shape, DT_FLOAT, 1, 2);
  Output big = ops::Fill(root.WithOpName("big"), {1000, 1000}, 1.0f);
  ops::Add(root.WithOpName("y1"), ops::Neg(root, k), r);
  ops::Sum(root.WithOpName("y2"), big, {0, 1});
  GraphDef def = Def(root);
  // "k" is fed: nothing reading it is constant.
  PassContext context = Keep({"k", "y1", "y2"}, {"k"});
  context.evaluate = Evaluate;
  TG_ASSERT_OK(FoldConstants(context, 1 << 20, &def));
  EXPECT_NE(Find(def, "r"), nullptr);
  EXPECT_EQ(Find(def, "big/folded_0"), nullptr);  // 4 MB > 1 MiB.
  EXPECT_NE(Find(def, "y2"), nullptr);
  for (const NodeDef& n : def.node()) {
    EXPECT_FALSE(absl::StrContains(n.name(), "Neg/folded")) << n.name();
  }
}

TEST(ConstantFoldingTest, ResultsAreUnchanged) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  Output w =
      ops::Reshape(root, ops::Const(root, {1.0f, 2.0f, 3.0f, 4.0f}), {2, 2});
  Output y = ops::MatMul(root, x, ops::Transpose(root, w, {1, 0}));
  for (bool on : {true, false}) {
    ClientSession session(root, Passes(on));
    std::vector<Tensor> out;
    TG_ASSERT_OK(session.Run(
        {{x, Tensor::FromVector<float>({1, 1}, TensorShape({1, 2}))}}, {y},
        &out));
    // [1 1] [[1 3] [2 4]] = [3 7].
    EXPECT_THAT(out[0].flat<float>(), ElementsAre(3, 7)) << on;
  }
}

TEST(ConstantFoldingTest, AConstantTooLargeForTheMemoryLimitFailsClearly) {
  // 40 GB of constant input: folding it would blow the session's limit, so
  // it is left to the run, which names the node.
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  Output big = ops::Fill(root.WithOpName("big"), {100000, 100000}, 1.0f);
  Output y = ops::Add(root, x, ops::Sum(root, big, {0, 1}));
  SessionOptions options;
  options.memory_limit_bytes = 64 << 20;
  ClientSession session(root, options);
  std::vector<Tensor> out;
  EXPECT_THAT(
      session.Run({{x, Tensor::Scalar(1.0f)}}, {y}, &out),
      StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("'big'")));
}

TEST(FuseMatMulTest, FusesProductBiasAndActivation) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  Output w = ops::Const(root.WithOpName("w"), {{1.0f, -1.0f}, {2.0f, 0.5f}});
  Output b = ops::Const(root.WithOpName("b"), {0.5f, -4.0f});
  Output h = ops::Relu(
      root.WithOpName("h"),
      ops::BiasAdd(root.WithOpName("ba"), ops::MatMul(root, x, w), b));
  // A second layer whose BiasAdd is read twice: fused without activation.
  Output z =
      ops::BiasAdd(root.WithOpName("z"),
                   ops::MatMul(root.WithOpName("mm2"), h, w, false, true), b);
  ops::Add(root.WithOpName("y"), ops::Sigmoid(root, z), z);
  GraphDef def = Def(root);
  TG_ASSERT_OK(FuseMatMul(Keep({"x", "y"}, {"x"}), &def));
  const NodeDef* fused = Find(def, "h");
  ASSERT_NE(fused, nullptr);
  EXPECT_EQ(fused->op(), "_FusedMatMul");
  EXPECT_THAT(fused->input(), ElementsAre("x", "w", "b"));
  EXPECT_THAT(fused->attr().at("fused_ops").list().s(),
              ElementsAre("BiasAdd", "Relu"));
  EXPECT_EQ(Find(def, "ba"), nullptr);
  const NodeDef* z_fused = Find(def, "z");
  ASSERT_NE(z_fused, nullptr);
  EXPECT_EQ(z_fused->op(), "_FusedMatMul");
  EXPECT_TRUE(z_fused->attr().at("transpose_b").b());
  EXPECT_THAT(z_fused->attr().at("fused_ops").list().s(),
              ElementsAre("BiasAdd"));
  EXPECT_EQ(Find(def, "mm2"), nullptr);
}

TEST(FuseMatMulTest, LeavesKeptAndUnpinnedNodes) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  Output mm = ops::MatMul(root.WithOpName("mm"), x, x);
  ops::Tanh(root.WithOpName("t"), ops::BiasAdd(root, mm, {1.0f, 2.0f}));
  GraphDef def = Def(root);
  GraphDef copy = def;
  // The product is fetched: it must stay a node of its own.
  TG_ASSERT_OK(FuseMatMul(Keep({"x", "mm", "t"}, {"x"}), &def));
  EXPECT_EQ(Find(def, "t")->op(), "Tanh");
  // Another device in the session: only nodes pinned to the CPU fuse.
  PassContext gpu = Keep({"x", "t"}, {"x"});
  gpu.fuse_cpu_pinned_only = true;
  TG_ASSERT_OK(FuseMatMul(gpu, &copy));
  EXPECT_EQ(Find(copy, "t")->op(), "Tanh");
}

TEST(FuseMatMulTest, ResultsAreUnchanged) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  Output w = ops::Const(root, {{1.0f, -1.0f}, {2.0f, 0.5f}});
  Output y = ops::Sigmoid(
      root, ops::BiasAdd(root, ops::MatMul(root, x, w), {0.5f, -4.0f}));
  for (bool on : {true, false}) {
    ClientSession session(root, Passes(on));
    std::vector<Tensor> out;
    TG_ASSERT_OK(session.Run(
        {{x, Tensor::FromVector<float>({1, 2}, TensorShape({1, 2}))}}, {y},
        &out));
    // [1 2] w = [5, 0]; + bias = [5.5, -4].
    EXPECT_NEAR(out[0].flat<float>()[0], 1 / (1 + std::exp(-5.5)), 1e-6);
    EXPECT_NEAR(out[0].flat<float>()[1], 1 / (1 + std::exp(4.0)), 1e-6);
  }
}

TEST(PrunePassTest, DropsWhatNothingKeptNeeds) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  ops::Neg(root.WithOpName("unused"), x);
  Output y = ops::Square(root.WithOpName("y"), x);
  ops::NoOp(root.WithOpName("t").WithControlDependencies({y.op()}));
  GraphDef def = Def(root);
  TG_ASSERT_OK(PruneDeadNodes(Keep({"t"}), &def));
  EXPECT_THAT(Ops(def), UnorderedElementsAre("Placeholder", "Square", "NoOp"));
  EXPECT_THAT(PruneDeadNodes(Keep({"nope"}), &def),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("nope")));
}

}  // namespace
}  // namespace tg
