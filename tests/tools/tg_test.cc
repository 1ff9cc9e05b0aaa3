// The `tg` command end to end: TensorFlow's files through `tg run`, the
// reference training graph trained from a file, and one clear line with exit
// status 1 for each kind of bad input.
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/device_factory.h"
#include "core/file_io.h"
#include "core/io/tensor_bundle.h"
#include "core/npy.h"
#include "examples/mnist/cnn.h"
#include "examples/mnist/mlp.h"
#include "gmock/gmock.h"
#include "graph/graph_def_io.h"
#include "gtest/gtest.h"
#include "runtime/client_session.h"
#include "runtime/saver.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/tensor_matchers.h"
#include "tests/testing/testdata.h"
#include "tests/tools/tg_runner.h"

namespace tg {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::FloatEq;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kOnnx[] = "onnx-tensorflow-onnx@6537fcb2ee98/tests/models/";
constexpr char kTf[] = "tensorflow-tensorflow@936cdcdac96d/tensorflow/";
constexpr char kServing[] =
    "tensorflow-serving@9d981c5c2708/tensorflow_serving/servables/tensorflow/"
    "testdata/";

std::vector<float> Floats(const Tensor& t) {
  return std::vector<float>(t.flat<float>().begin(), t.flat<float>().end());
}

TEST(TgTest, HelpAndUsage) {
  Result r = Tg({"--help"});
  EXPECT_EQ(r.code, 0);
  for (const char* cmd : {"inspect", "convert", "run", "grad", "dot"}) {
    EXPECT_THAT(r.out, HasSubstr(absl::StrCat("tg ", cmd)));
  }
  EXPECT_EQ(Tg({"run", "--help"}).code, 0);
}

// TensorFlow 2.4's resource variables in a TF1-style SavedModel: the
// graph's own restore op (RestoreV2 into AssignVariableOps) restores a=0.5,
// b=2, c=3; y = a*x + b (TensorFlow's serving test: [100, 42] -> [52,
// 23]), y2 = a*x + c, y3 = a*x2 + c.
TEST(TgTest, ResourceVariableSavedModelRestoresAndRuns) {
  TG_SKIP_WITHOUT_TESTDATA();
  const std::string x = testing::TempDir() + "/x_rv.npy";
  TG_ASSERT_OK(WriteNpyFile(
      Tensor::FromVector<float>({100, 42}, TensorShape({2, 1})), x));
  const std::string out_dir = testing::TempDir();
  Result r = Tg({"run",
                 TG_TENSORFLOW_TESTDATA(absl::StrCat(
                     kServing,
                     "saved_model_half_plus_two_cpu_with_saved_model_config/"
                     "00000123")),
                 "--feed", "x:0=" + x, "--feed", "x2:0=" + x, "--fetch", "y:0",
                 "--fetch", "y2:0", "--fetch", "y3:0", "--out_dir", out_dir});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("restored"));
  const std::pair<const char*, std::vector<float>> want[] = {
      {"y_0", {52, 23}}, {"y2_0", {53, 24}}, {"y3_0", {53, 24}}};
  for (const auto& [name, values] : want) {
    TG_ASSERT_OK_AND_ASSIGN(
        Tensor t, ReadNpyFile(absl::StrCat(out_dir, "/", name, ".npy")));
    EXPECT_THAT(Floats(t), ElementsAreArray(values)) << name;
  }
}

// TensorFlow 2.14's object-based SavedModel: function calls inlined, the
// checkpoint restored through the object graph (the SavedModel's objects
// and the checkpoint's matched by name from their roots: a, b and c), then
// serving_default's call: x = 2 -> 3 (TensorFlow's serving test); with
// nothing fed, x takes its default [0] -> [2].
TEST(TgTest, Tf2SavedModelRestoresThroughItsObjectGraphAndServes) {
  TG_SKIP_WITHOUT_TESTDATA();
  const std::string model = TG_TENSORFLOW_TESTDATA(
      absl::StrCat(kServing, "saved_model_half_plus_two_tf2_cpu/00000123"));
  const std::string x = testing::TempDir() + "/x_tf2.npy";
  TG_ASSERT_OK(WriteNpyFile(Tensor::FromVector<float>({2}), x));
  for (bool fed : {true, false}) {
    const std::string out_dir = testing::TempDir();
    std::vector<std::string> args = {"run",       model,
                                     "--fetch",   "StatefulPartitionedCall_5:0",
                                     "--out_dir", out_dir};
    if (fed) {
      args.push_back("--feed");
      args.push_back("serving_default_x:0=" + x);
    }
    Result r = Tg(args);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("through the object graph (3 variables)"));
    TG_ASSERT_OK_AND_ASSIGN(
        Tensor y, ReadNpyFile(out_dir + "/StatefulPartitionedCall_5_0.npy"));
    EXPECT_THAT(Floats(y), ElementsAre(fed ? 3.0f : 2.0f)) << fed;
  }
}

// saved_model_cli's interface: inputs and outputs by signature key, inline
// values, the model's init op run after restore; clear errors for a
// signature or key the model does not have.
TEST(TgTest, SignaturesRunByKey) {
  TG_SKIP_WITHOUT_TESTDATA();
  const std::string tf2 = TG_TENSORFLOW_TESTDATA(
      absl::StrCat(kServing, "saved_model_half_plus_two_tf2_cpu/00000123"));
  const std::string tf24 = TG_TENSORFLOW_TESTDATA(
      absl::StrCat(kServing,
                   "saved_model_half_plus_two_cpu_with_saved_model_config/"
                   "00000123"));
  const std::string out_dir = testing::TempDir() + "/by_key";
  Result r = Tg({"run", tf2, "--input_exprs", "x=[2]", "--out_dir", out_dir});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("y: float [1] {3}"));
  TG_ASSERT_OK_AND_ASSIGN(Tensor y, ReadNpyFile(out_dir + "/y.npy"));
  EXPECT_THAT(Floats(y), ElementsAre(3.0f));
  r = Tg({"run", tf2, "--signature", "serving_default"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("y: float [1] {2}"));  // x's default [0].
  r = Tg({"run", tf2, "--signature", "regress_x2_to_y3", "--input_exprs",
          "inputs=[4]"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("outputs: float [1] {5}"));  // 0.5 * 4 + 3
  const std::string x = testing::TempDir() + "/x_key.npy";
  TG_ASSERT_OK(WriteNpyFile(
      Tensor::FromVector<float>({100, 42}, TensorShape({2, 1})), x));
  r = Tg({"run", tf24, "--input", "x=" + x});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("y: float [2,1] {52, 23}"));
  const std::pair<std::vector<std::string>, std::string> bad[] = {
      {{"--signature", "nope"}, "no signature 'nope'; the model has: "},
      {{"--input_exprs", "z=1"}, "has no input 'z'; its inputs: x"},
      {{"--input_exprs", "x=[[1],[2"}, "a list is not closed"},
      {{"--input_exprs", "x=[[1],[2,3]]"}, "not rectangular"},
  };
  for (const auto& [flags, message] : bad) {
    std::vector<std::string> cmd = {"run", tf2};
    cmd.insert(cmd.end(), flags.begin(), flags.end());
    Result e = Tg(cmd);
    EXPECT_EQ(e.code, 1) << message;
    EXPECT_THAT(e.err, HasSubstr(message));
  }
}

TEST(TgTest, HalfPlusTwoSavedModelsRestoreAndRun) {
  TG_SKIP_WITHOUT_TESTDATA();
  const std::string x = testing::TempDir() + "/x.npy";
  TG_ASSERT_OK(WriteNpyFile(
      Tensor::FromVector<float>({0, 1, 2, 3}, TensorShape({4, 1})), x));
  for (const char* model : {"half_plus_two", "half_plus_two_pbtxt"}) {
    const std::string out_dir = testing::TempDir();
    Result r =
        Tg({"run",
            TG_TENSORFLOW_TESTDATA(absl::StrCat(kTf, "cc/saved_model/testdata/",
                                                model, "/00000123")),
            "--feed", "x:0=" + x, "--fetch", "y:0", "--out_dir", out_dir});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("restored"));
    TG_ASSERT_OK_AND_ASSIGN(Tensor y, ReadNpyFile(out_dir + "/y_0.npy"));
    EXPECT_EQ(y.shape(), TensorShape({4, 1}));
    EXPECT_THAT(Floats(y), ElementsAre(2.0f, 2.5f, 3.0f, 3.5f)) << model;
  }
}

TEST(TgTest, RegressionMetaGraphRestoresWAndB) {
  TG_SKIP_WITHOUT_TESTDATA();
  const std::string dir =
      TG_TENSORFLOW_TESTDATA(std::string(kOnnx) + "regression/checkpoint");
  const std::string out_dir = testing::TempDir();
  Result r = Tg({"run", dir + "/model.meta", "--restore", dir + "/model",
                 "--fetch", "W", "--fetch", "b:0", "--out_dir", out_dir});
  ASSERT_EQ(r.code, 0) << r.err;
  TG_ASSERT_OK_AND_ASSIGN(Tensor w, ReadNpyFile(out_dir + "/W_0.npy"));
  TG_ASSERT_OK_AND_ASSIGN(Tensor b, ReadNpyFile(out_dir + "/b_0.npy"));
  EXPECT_THAT(Floats(w), ElementsAre(FloatEq(0.21396178f)));
  EXPECT_THAT(Floats(b), ElementsAre(FloatEq(1.0495254f)));
}

TEST(TgTest, GradOfTheFrozenRegression) {
  TG_SKIP_WITHOUT_TESTDATA();
  const std::string x = testing::TempDir() + "/x.npy";
  TG_ASSERT_OK(WriteNpyFile(Tensor::FromVector<float>({1, 2, 5}), x));
  const std::string out_dir = testing::TempDir();
  Result r = Tg({"grad",
                 TG_TENSORFLOW_TESTDATA(std::string(kOnnx) +
                                        "regression/graphdef/frozen.pb"),
                 "--y", "pred:0", "--x", "X:0", "--feed", "X=" + x, "--out_dir",
                 out_dir});
  ASSERT_EQ(r.code, 0) << r.err;
  TG_ASSERT_OK_AND_ASSIGN(Tensor g, ReadNpyFile(out_dir + "/grad_X_0.npy"));
  // pred = X * 0.21396178 + 1.04952538: the slope everywhere.
  EXPECT_THAT(Floats(g), ElementsAre(FloatEq(0.21396178f), FloatEq(0.21396178f),
                                     FloatEq(0.21396178f)));
}

TEST(TgTest, InspectAndDotOfTheReferenceGraph) {
  const std::string dir = testing::TempDir();
  Scope root = Scope::NewRootScope();
  mnist::BuildMlp(root, {});
  GraphDef def;
  TG_ASSERT_OK(root.ToGraphDef(&def));
  TG_ASSERT_OK(WriteGraphDefFile(def, dir + "/mlp.pb"));
  Result r = Tg({"inspect", dir + "/mlp.pb"});
  ASSERT_EQ(r.code, 0) << r.err;
  // 784*512 + 512 + 512*512 + 512 + 512*10 + 10: the layer sizes.
  EXPECT_THAT(r.out, HasSubstr("parameters: 669706\n"));
  EXPECT_THAT(r.out, HasSubstr("  x  float [?,784]\n"));
  EXPECT_THAT(r.out, HasSubstr("unknown ops: none"));
  Result dot = Tg({"dot", dir + "/mlp.pb"});
  ASSERT_EQ(dot.code, 0) << dot.err;
  EXPECT_THAT(dot.out, StartsWith("digraph"));
  EXPECT_THAT(dot.out, HasSubstr("subgraph \"cluster_dense_1\""));
  EXPECT_THAT(dot.out, HasSubstr("\"dense_1/MatMul\" -> "));
}

// A model's training graph written to a file (binary, and converted to
// text) and trained by `tg run` ends with the same variables, bit for bit,
// as training in-process; the checkpoint then restores into `tg run`.
void ExpectFileTrainingMatchesInProcess(const std::string& name,
                                        const Scope& root,
                                        const mnist::Classifier& m,
                                        size_t num_saved) {
  const std::string dir = testing::TempDir() + "/" + name;
  TG_ASSERT_OK(CreateDirectories(dir));
  TG_ASSERT_OK(root.status());
  GraphDef def;
  TG_ASSERT_OK(root.ToGraphDef(&def));
  TG_ASSERT_OK(WriteGraphDefFile(def, dir + "/model.pb"));

  Tensor x(DT_FLOAT, TensorShape({20, 784}));
  Tensor y(DT_INT32, TensorShape({20}));
  for (int64_t i = 0; i < x.NumElements(); ++i) {
    x.flat<float>()[i] = static_cast<float>((i * 7919) % 256) / 255.0f;
  }
  for (int i = 0; i < 20; ++i) y.flat<int32_t>()[i] = (i * 3) % 10;
  TG_ASSERT_OK(WriteNpyFile(x, dir + "/x.npy"));
  TG_ASSERT_OK(WriteNpyFile(y, dir + "/y.npy"));

  constexpr int kSteps = 5;
  ClientSession session(root);
  TG_ASSERT_OK(session.Run({}, {}, {m.init}, nullptr));
  std::vector<Tensor> out;
  for (int s = 0; s < kSteps; ++s) {
    TG_ASSERT_OK(session.Run({{m.x, x}, {m.y, y}}, {}, {m.train}, &out));
  }
  TG_ASSERT_OK(Saver().Save(session.session(), dir + "/in_process").status());
  TG_ASSERT_OK(session.Run({{m.x, x}, {m.y, y}}, {m.loss}, &out));
  const float loss = out[0].scalar<float>();

  Result conv = Tg({"convert", dir + "/model.pb", dir + "/model.pbtxt"});
  ASSERT_EQ(conv.code, 0) << conv.err;
  // The text file runs with the graph passes and the memory plan off: the
  // same arithmetic, so the same bits.
  for (const char* file : {"model.pb", "model.pbtxt"}) {
    const std::string prefix = absl::StrCat(dir, "/from_", file);
    std::vector<std::string> args = {
        "run",         absl::StrCat(dir, "/", file),
        "--init",      "init",
        "--target",    "train",
        "--steps",     absl::StrCat(kSteps),
        "--feed",      "x=" + dir + "/x.npy",
        "--feed",      "y=" + dir + "/y.npy",
        "--fetch",     "loss",
        "--log_every", "1",
        "--save",      prefix};
    if (absl::EndsWith(file, "pbtxt")) {
      args.push_back("--no_graph_passes");
      args.push_back("--no_memory_plan");
    }
    Result r = Tg(args);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("step 5: loss:0="));
    TG_ASSERT_OK_AND_ASSIGN(auto a, BundleReader::Open(dir + "/in_process"));
    TG_ASSERT_OK_AND_ASSIGN(auto b, BundleReader::Open(prefix));
    ASSERT_EQ(a->Names(), b->Names());
    ASSERT_EQ(a->Names().size(), num_saved);
    for (const std::string& var : a->Names()) {
      TG_ASSERT_OK_AND_ASSIGN(Tensor ta, a->Read(var));
      TG_ASSERT_OK_AND_ASSIGN(Tensor tb, b->Read(var));
      EXPECT_THAT(tb, ::tg::testing::BitIdenticalTo(ta)) << file << ": " << var;
    }
  }
  // Restored, the checkpoint gives the in-process model's loss.
  Result r =
      Tg({"run", dir + "/model.pb", "--restore", dir + "/in_process", "--feed",
          "x=" + dir + "/x.npy", "--feed", "y=" + dir + "/y.npy", "--fetch",
          "loss", "--out_dir", dir + "/restored"});
  ASSERT_EQ(r.code, 0) << r.err;
  TG_ASSERT_OK_AND_ASSIGN(Tensor restored,
                          ReadNpyFile(dir + "/restored/loss_0.npy"));
  EXPECT_EQ(restored.scalar<float>(), loss);
}

TEST(TgTest, MlpTrainingFromTheFileMatchesInProcess) {
  mnist::MlpConfig config;
  config.hidden = {32, 16};
  Scope root = Scope::NewRootScope();
  mnist::Mlp mlp = mnist::BuildMlp(root, config);
  // Kernel and bias of 3 layers.
  ExpectFileTrainingMatchesInProcess("mlp", root, mlp, 6);
}

// The CNN with batch norm and dropout: convolutions, pooling, the moving
// averages' update ops and seeded dropout all replay from the file.
TEST(TgTest, CnnTrainingFromTheFileMatchesInProcess) {
  mnist::CnnConfig config;
  config.batch_norm = true;
  Scope root = Scope::NewRootScope();
  mnist::Classifier cnn = mnist::BuildCnn(root, config);
  // 2 conv kernels, 2 x 4 batch-norm variables and 2 x 2 dense ones (14);
  // Adam's 2 slots for each of the 10 trainable ones, and its 2 powers.
  ExpectFileTrainingMatchesInProcess("cnn", root, cnn, 14 + 2 * 10 + 2);
}

// A checkpoint prefix without a directory part is saved in the working
// directory (it once failed with "'' exists and is not a directory").
TEST(TgTest, SavePrefixWithoutADirectoryGoesToTheWorkingDirectory) {
  const std::string dir = testing::TempDir() + "/bare_prefix";
  TG_ASSERT_OK(CreateDirectories(dir));
  const std::string graph =
      "node { name: 'v' op: 'VariableV2' attr { key: 'dtype' value { type: "
      "DT_FLOAT } } attr { key: 'shape' value { shape { } } } }\n"
      "node { name: 'c' op: 'Const' attr { key: 'dtype' value { type: "
      "DT_FLOAT } } attr { key: 'value' value { tensor { dtype: DT_FLOAT "
      "tensor_shape { } float_val: 3.5 } } } }\n"
      "node { name: 'init' op: 'Assign' input: 'v' input: 'c' attr { key: "
      "'T' value { type: DT_FLOAT } } }\n";
  TG_ASSERT_OK(WriteFileAtomically(dir + "/g.pbtxt", graph));
  Result r = Tg({"run", "g.pbtxt", "--init", "init", "--save", "ckpt"}, dir);
  ASSERT_EQ(r.code, 0) << r.err;
  TG_ASSERT_OK_AND_ASSIGN(auto reader, BundleReader::Open(dir + "/ckpt"));
  TG_ASSERT_OK_AND_ASSIGN(Tensor v, reader->Read("v"));
  EXPECT_THAT(v.flat<float>(), ElementsAre(3.5f));
}

// tg ops lists each op with the devices that have a kernel for it.
TEST(TgTest, OpsListsTheKernelsOfEachDevice) {
  Result r = Tg({"ops"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(
      r.out, ::testing::ContainsRegex("\nMatMul .*CPU \\(T=double\\|float\\)"));
  EXPECT_THAT(r.out, HasSubstr("\nSaveV2  CPU (any dtype)\n"));
  Result gpu = Tg({"ops", "--device", "gpu"});
  ASSERT_EQ(gpu.code, 0) << gpu.err;
  if (DevicePriority(kDeviceGpu) < 0) {
    EXPECT_THAT(gpu.out, HasSubstr("0 ops with a GPU kernel (this build has "
                                   "no GPU kernels"));
  } else {
    EXPECT_THAT(gpu.out, HasSubstr("\nMatMul  GPU (T=double|float)\n"));
    EXPECT_THAT(gpu.out, ::testing::Not(HasSubstr("SaveV2")));
  }
  EXPECT_EQ(Tg({"ops", "--device", "tpu"}).code, 1);
}

// --device gpu without a GPU: the run happens on the CPU, with one note.
TEST(TgTest, DeviceGpuWithoutAGpuFallsBackToTheCpuWithOneNote) {
  TG_ASSERT_OK_AND_ASSIGN(auto devices, CreateDevices({}, {"GPU"}));
  if (devices.size() > 1) GTEST_SKIP() << "this machine has a GPU";
  const std::string dir = testing::TempDir();
  const std::string graph =
      "node { name: 'c' op: 'Const' attr { key: 'dtype' value { type: "
      "DT_FLOAT } } attr { key: 'value' value { tensor { dtype: DT_FLOAT "
      "tensor_shape { } float_val: 3.5 } } } }\n"
      "node { name: 'y' op: 'Square' input: 'c' attr { key: 'T' value { "
      "type: DT_FLOAT } } }\n";
  TG_ASSERT_OK(WriteFileAtomically(dir + "/sq.pbtxt", graph));
  Result r = Tg({"run", dir + "/sq.pbtxt", "--fetch", "y", "--device", "gpu",
                 "--log_device_placement"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("12.25"));
  // The note, then the placement log.
  EXPECT_THAT(r.err, StartsWith("tensorgraph: note: no device '/device:GPU:0' "
                                "here ("));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 3) << r.err;
  EXPECT_THAT(r.err, HasSubstr("y (Square): /device:CPU:0"));
}

// Each kind of bad input: one line on stderr, exit status 1.
TEST(TgTest, BadInputsGiveOneClearLine) {
  const std::string dir = testing::TempDir();
  Scope root = Scope::NewRootScope();
  mnist::BuildMlp(root, {});
  GraphDef def;
  TG_ASSERT_OK(root.ToGraphDef(&def));
  const std::string mlp = dir + "/mlp.pb";
  TG_ASSERT_OK(WriteGraphDefFile(def, mlp));
  std::string bytes = ReadFileToString(mlp).value();
  TG_ASSERT_OK(WriteFileAtomically(dir + "/cut.pb", bytes.substr(0, 333)));
  TG_ASSERT_OK(
      WriteNpyFile(Tensor(DT_INT32, TensorShape({2, 784})), dir + "/int.npy"));
  TG_ASSERT_OK(
      WriteNpyFile(Tensor(DT_FLOAT, TensorShape({2, 5})), dir + "/narrow.npy"));
  TG_ASSERT_OK(WriteFileAtomically(dir + "/junk.npy", "not an npy file"));
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"run", dir + "/absent.pb", "--fetch", "x"}, "absent.pb"},
      {{"inspect", dir + "/cut.pb"}, "truncated"},
      {{"run", mlp, "--fetch", "nope:0"}, "'nope'"},
      {{"run", mlp, "--feed", "x=" + dir + "/int.npy", "--fetch",
        "dense/MatMul"},
       "int32"},
      {{"run", mlp, "--feed", "x=" + dir + "/narrow.npy", "--fetch",
        "dense/MatMul"},
       "[2,5]"},
      {{"run", mlp, "--feed", "x=" + dir + "/junk.npy", "--fetch",
        "dense/MatMul"},
       "junk.npy"},
      {{"run", mlp, "--feed", "x", "--fetch", "dense/MatMul"}, "NAME=FILE.npy"},
      {{"run", mlp, "--fetch", "dense/MatMul"}, "'x'"},
      {{"run", mlp, "--fetch", "dense/MatMul", "--device", "tpu"}, "tpu"},
      {{"run", mlp, "--steps", "zero", "--target", "train"}, "--steps"},
      {{"run", mlp, "--frobnicate"}, "--frobnicate"},
      {{"run", mlp}, "nothing to run"},
      {{"launch", mlp}, "unknown command"},
      {{"convert", mlp}, "usage"},
      {{"grad", mlp, "--y", "loss", "--x", "nope"}, "'nope'"},
  };
  for (const auto& [args, needle] : cases) {
    Result r = Tg(args);
    const std::string what = absl::StrJoin(args, " ");
    EXPECT_EQ(r.code, 1) << what;
    EXPECT_THAT(r.err, StartsWith("tg ")) << what;
    EXPECT_THAT(r.err, HasSubstr(needle)) << what << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << what << "\n"
                                                               << r.err;
  }
}

// The other files of the test data, each through `tg run` with the values
// their README gives.
TEST(TgTest, TensorFlowGraphFilesRunAsTheirReadmeSays) {
  TG_SKIP_WITHOUT_TESTDATA();
  const std::string dir = testing::TempDir();
  const auto npy = [&](const std::string& name, const Tensor& t) {
    const std::string path = dir + "/" + name + ".npy";
    EXPECT_THAT(WriteNpyFile(t, path), testing::IsOk());
    return path;
  };
  std::vector<float> ramp(784), matrix(9);
  for (int i = 0; i < 784; ++i) ramp[i] = (i + 1) / 784.0f;
  for (int i = 0; i < 9; ++i) matrix[i] = static_cast<float>(i);
  struct Case {
    std::string file;
    std::vector<std::string> args;
    std::string fetch_file;
    std::vector<float> want;
    float tolerance;
  };
  const std::vector<Case> cases = {
      {"tensorflow-rust@1ddf5a348037/tensorflow-sys/examples/assets/"
       "multiplication.pb",
       {"--feed", "a=" + npy("a", Tensor::FromVector<float>({1, 2, 3})),
        "--feed", "b=" + npy("b", Tensor::FromVector<float>({4, 5, 6})),
        "--fetch", "c"},
       "c_0",
       {4, 10, 18},
       0},
      {std::string(kOnnx) + "regression/graphdef/frozen.pb",
       {"--feed", "X:0=" + npy("X", Tensor::FromVector<float>({1, 2})),
        "--fetch", "pred:0"},
       "pred_0",
       {1.2634872f, 1.4774490f},
       1e-6f},
      {std::string(kOnnx) + "fc-layers/frozen.pb",
       {"--feed",
        "X:0=" +
            npy("ramp", Tensor::FromVector<float>(ramp, TensorShape({1, 784}))),
        "--fetch", "output:0"},
       "output_0",
       {-11.3573f, -4.61952f, 8.97691f, 1.54868f, -15.4279f, -4.3227f,
        -17.9453f, -6.04979f, -2.82079f, -16.789f},
       2e-3f},
      {std::string(kTf) + "lite/python/testdata/permute.pbtxt",
       {"--feed",
        "input=" + npy("in", Tensor::FromVector<float>({1, 2, 3, 4},
                                                       TensorShape({1, 4}))),
        "--fetch", "output"},
       "output_0",
       {4, 3, 2, 1},
       0},
      {"tensorflow-serving@9d981c5c2708/tensorflow_serving/batching/testdata/"
       "matrix_half_plus_two/1",
       {"--feed",
        "x:0=" +
            npy("m", Tensor::FromVector<float>(matrix, TensorShape({1, 3, 3}))),
        "--fetch", "y:0"},
       "y_0",
       {2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6},
       0},
      {std::string(kTf) + "compiler/aot/test_graph_tfadd.pbtxt",
       {"--fetch", "x_const"},  // Does not need the dangling input.
       "x_const_0",
       {1},
       0},
  };
  for (const Case& c : cases) {
    const std::string out_dir = testing::TempDir();
    std::vector<std::string> args = {"run", TG_TENSORFLOW_TESTDATA(c.file)};
    args.insert(args.end(), c.args.begin(), c.args.end());
    args.insert(args.end(), {"--out_dir", out_dir});
    Result r = Tg(args);
    ASSERT_EQ(r.code, 0) << c.file << ": " << r.err;
    TG_ASSERT_OK_AND_ASSIGN(Tensor t,
                            ReadNpyFile(out_dir + "/" + c.fetch_file + ".npy"));
    std::vector<float> got;
    if (t.dtype() == DT_INT32) {
      for (int32_t v : t.flat<int32_t>()) got.push_back(static_cast<float>(v));
    } else {
      got = Floats(t);
    }
    ASSERT_EQ(got.size(), c.want.size()) << c.file;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_NEAR(got[i], c.want[i],
                  c.tolerance * std::max(1.0f, std::abs(c.want[i])))
          << c.file << " element " << i;
    }
  }
  // int32 addition, producer 1882: 2 + 40.
  const std::string out_dir = testing::TempDir();
  Result add =
      Tg({"run",
          TG_TENSORFLOW_TESTDATA(
              "tensorflow-rust@1ddf5a348037/examples/addition/model.pb"),
          "--feed", "x=" + npy("two", Tensor::Scalar<int32_t>(2)), "--feed",
          "y=" + npy("forty", Tensor::Scalar<int32_t>(40)), "--fetch", "z",
          "--out_dir", out_dir});
  ASSERT_EQ(add.code, 0) << add.err;
  TG_ASSERT_OK_AND_ASSIGN(Tensor z, ReadNpyFile(out_dir + "/z_0.npy"));
  EXPECT_EQ(z.flat<int32_t>()[0], 42);
  // What the fetch needs but is broken or unknown is named.
  Result dangling =
      Tg({"run",
          TG_TENSORFLOW_TESTDATA(std::string(kTf) +
                                 "compiler/aot/test_graph_tfadd.pbtxt"),
          "--fetch", "x_y_sum"});
  EXPECT_EQ(dangling.code, 1);
  EXPECT_THAT(dangling.err, HasSubstr("y_shape"));
  Result unknown =
      Tg({"run",
          TG_TENSORFLOW_TESTDATA(std::string(kTf) +
                                 "compiler/aot/test_graph_tfunknownop.pbtxt"),
          "--fetch", "x_z_sum"});
  EXPECT_EQ(unknown.code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("SomeUnknownOp"));
}

TEST(TgTest, InspectsTheLingvoEventFile) {
  TG_SKIP_WITHOUT_TESTDATA();
  Result r = Tg({"inspect", TG_TENSORFLOW_TESTDATA(
                                "tensorflow-lingvo@e0be5dc4ce9b/lingvo/core/"
                                "ops/testdata/events.out.tfevents.test")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("361 records"));
  EXPECT_THAT(r.out, HasSubstr("file_version brain.Event:2"));
  EXPECT_THAT(r.out, HasSubstr("bleu/dev: 360 values"));
  EXPECT_THAT(r.out, HasSubstr("max 0.288233 at step 102600"));
}

TEST(TgTest, UnknownOpsAreNamedAndFunctionCallsRun) {
  TG_SKIP_WITHOUT_TESTDATA();
  Result unknown =
      Tg({"inspect",
          TG_TENSORFLOW_TESTDATA(std::string(kTf) +
                                 "compiler/aot/test_graph_tfunknownop.pbtxt")});
  ASSERT_EQ(unknown.code, 0) << unknown.err;
  EXPECT_THAT(unknown.out, HasSubstr("unknown ops: SomeUnknownOp"));
  const std::string out_dir = testing::TempDir();
  Result fn = Tg(
      {"run",
       TG_TENSORFLOW_TESTDATA(std::string(kTf) +
                              "core/grappler/costs/graph_properties_testdata/"
                              "simple_function.pbtxt"),
       "--fetch", "MyAdd_55e046a8_1:0", "--out_dir", out_dir});
  ASSERT_EQ(fn.code, 0) << fn.err;
  TG_ASSERT_OK_AND_ASSIGN(Tensor sum,
                          ReadNpyFile(out_dir + "/MyAdd_55e046a8_1_0.npy"));
  EXPECT_THAT(Floats(sum), ElementsAre(6.0f, 6.0f));
}

}  // namespace
}  // namespace tg
