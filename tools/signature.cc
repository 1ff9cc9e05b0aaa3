#include "tools/signature.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/npy.h"

namespace tg {
namespace tool {
namespace {

// Nesting and elements of a literal, before they become a tensor.
struct Literal {
  std::vector<int64_t> dims;
  std::vector<std::string> values;  // Each element's text.
  bool strings = false;
};

// The most elements an inline value may have (it is typed on a command
// line): far above any real use, far below a memory problem.
constexpr size_t kMaxLiteralElements = size_t{1} << 20;
constexpr int kMaxLiteralDepth = 32;

class LiteralParser {
 public:
  explicit LiteralParser(absl::string_view text) : text_(text) {}

  absl::Status Parse(Literal* out) {
    std::vector<int64_t> dims;
    TG_RETURN_IF_ERROR(Value(0, &dims, out));
    SkipSpace();
    TG_REQUIRE(pos_ == text_.size(), InvalidArgument, "unexpected '",
               SafeText(text_.substr(pos_, 10)), "' after the value");
    out->dims = dims;
    return absl::OkStatus();
  }

 private:
  void SkipSpace() {
    while (pos_ < text_.size() &&
           std::isspace(static_cast<unsigned char>(text_[pos_]))) {
      ++pos_;
    }
  }
  // One value at `depth`; `dims` gets its shape (checked against siblings
  // by the caller).
  absl::Status Value(int depth, std::vector<int64_t>* dims, Literal* out) {
    TG_REQUIRE(depth <= kMaxLiteralDepth, InvalidArgument,
               "lists nest deeper than ", kMaxLiteralDepth);
    SkipSpace();
    TG_REQUIRE(pos_ < text_.size(), InvalidArgument, "the value ends early");
    if (text_[pos_] != '[') return Scalar(out);
    ++pos_;
    std::vector<int64_t> first;
    int64_t count = 0;
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      *dims = {0};
      return absl::OkStatus();
    }
    while (true) {
      std::vector<int64_t> sub;
      TG_RETURN_IF_ERROR(Value(depth + 1, &sub, out));
      TG_REQUIRE(count == 0 || sub == first, InvalidArgument,
                 "the lists are not rectangular");
      first = sub;
      ++count;
      SkipSpace();
      TG_REQUIRE(pos_ < text_.size(), InvalidArgument, "a list is not closed");
      if (text_[pos_] == ']') {
        ++pos_;
        break;
      }
      TG_REQUIRE(text_[pos_] == ',', InvalidArgument,
                 "expected ',' or ']' at '", SafeText(text_.substr(pos_, 10)),
                 "'");
      ++pos_;
    }
    *dims = {count};
    dims->insert(dims->end(), first.begin(), first.end());
    return absl::OkStatus();
  }
  absl::Status Scalar(Literal* out) {
    TG_REQUIRE(out->values.size() < kMaxLiteralElements, InvalidArgument,
               "more than ", kMaxLiteralElements, " elements");
    const char q = text_[pos_];
    if (q == '\'' || q == '"') {
      const size_t end = text_.find(q, pos_ + 1);
      TG_REQUIRE(end != absl::string_view::npos, InvalidArgument,
                 "a string is not closed");
      out->values.emplace_back(text_.substr(pos_ + 1, end - pos_ - 1));
      out->strings = true;
      pos_ = end + 1;
      return absl::OkStatus();
    }
    const size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != ']' &&
           !std::isspace(static_cast<unsigned char>(text_[pos_]))) {
      ++pos_;
    }
    TG_REQUIRE(pos_ > start, InvalidArgument, "expected a value at '",
               SafeText(text_.substr(start, 10)), "'");
    out->values.emplace_back(text_.substr(start, pos_ - start));
    return absl::OkStatus();
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

template <typename T>
absl::Status FillNumbers(const std::vector<std::string>& values, Tensor* t) {
  auto out = t->flat<T>();
  for (size_t i = 0; i < values.size(); ++i) {
    double v = 0;
    const std::string lower = absl::AsciiStrToLower(values[i]);
    if (lower == "true" || lower == "false") {
      v = lower == "true" ? 1 : 0;
    } else {
      TG_REQUIRE(absl::SimpleAtod(values[i], &v), InvalidArgument, "'",
                 SafeText(values[i]), "' is not a number");
    }
    out[i] = static_cast<T>(v);
  }
  return absl::OkStatus();
}

absl::StatusOr<const ::tensorgraph::SignatureDef*> FindSignature(
    const MetaGraphDef& meta, const std::string& name) {
  auto it = meta.signature_def().find(name);
  if (it != meta.signature_def().end()) return &it->second;
  std::vector<std::string> names;
  for (const auto& [key, sig] : meta.signature_def()) names.push_back(key);
  std::sort(names.begin(), names.end());
  return absl::NotFoundError(
      absl::StrCat("no signature '", SafeText(name), "'; the model has: ",
                   names.empty() ? "none" : absl::StrJoin(names, ", ")));
}

absl::StatusOr<const ::tensorgraph::TensorInfo*> FindInput(
    const ::tensorgraph::SignatureDef& sig, const std::string& signature,
    const std::string& key) {
  auto it = sig.inputs().find(key);
  if (it != sig.inputs().end()) return &it->second;
  std::vector<std::string> keys;
  for (const auto& [k, info] : sig.inputs()) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  return absl::InvalidArgumentError(absl::StrCat(
      "signature '", SafeText(signature), "' has no input '", SafeText(key),
      "'; its inputs: ", absl::StrJoin(keys, ", ")));
}

// "KEY=REST" split at the first '='.
absl::StatusOr<std::pair<std::string, std::string>> KeyValue(
    const std::string& text, absl::string_view flag) {
  const size_t eq = text.find('=');
  TG_REQUIRE(eq != std::string::npos && eq > 0, InvalidArgument, flag,
             " needs KEY=VALUE, got '", SafeText(text), "'");
  return std::make_pair(text.substr(0, eq), text.substr(eq + 1));
}

}  // namespace

absl::StatusOr<Tensor> ParseTensorLiteral(absl::string_view text,
                                          DataType dtype) {
  Literal lit;
  TG_RETURN_IF_ERROR(LiteralParser(text).Parse(&lit));
  TG_ASSIGN_OR_RETURN(TensorShape shape, TensorShape::FromDims(lit.dims));
  TG_ASSIGN_OR_RETURN(Tensor t, Tensor::Allocate(dtype, shape));
  if (dtype == DT_STRING) {
    auto out = t.flat<std::string>();
    for (size_t i = 0; i < lit.values.size(); ++i) out[i] = lit.values[i];
    return t;
  }
  TG_REQUIRE(!lit.strings, InvalidArgument, "a string given for a ",
             DataTypeName(dtype), " input");
  absl::Status s = absl::UnimplementedError(
      absl::StrCat("inline values of dtype ", DataTypeName(dtype)));
  DispatchDataType(dtype, [&](auto zero) {
    using T = decltype(zero);
    if constexpr (!std::is_same_v<T, std::string>) {
      s = FillNumbers<T>(lit.values, &t);
    }
  });
  TG_RETURN_IF_ERROR(s);
  return t;
}

absl::StatusOr<SignatureRun> ResolveSignature(
    const MetaGraphDef& meta, const std::string& name,
    const std::vector<std::string>& inputs, const std::string& exprs) {
  TG_ASSIGN_OR_RETURN(const ::tensorgraph::SignatureDef* sig,
                      FindSignature(meta, name));
  SignatureRun run;
  std::map<std::string, std::string> outputs;
  for (const auto& [key, info] : sig->outputs()) outputs[key] = info.name();
  for (const auto& [key, tensor] : outputs) {
    run.output_keys.push_back(key);
    run.fetches.push_back(tensor);
  }
  for (const std::string& in : inputs) {
    TG_ASSIGN_OR_RETURN(auto kv, KeyValue(in, "--input"));
    TG_ASSIGN_OR_RETURN(const ::tensorgraph::TensorInfo* info,
                        FindInput(*sig, name, kv.first));
    TG_ASSIGN_OR_RETURN(Tensor t, ReadNpyFile(kv.second));
    run.feeds.emplace_back(info->name(), std::move(t));
  }
  for (absl::string_view part : absl::StrSplit(exprs, ';', absl::SkipEmpty())) {
    TG_ASSIGN_OR_RETURN(auto kv, KeyValue(std::string(part), "--input_exprs"));
    const std::string key(absl::StripAsciiWhitespace(kv.first));
    TG_ASSIGN_OR_RETURN(const ::tensorgraph::TensorInfo* info,
                        FindInput(*sig, name, key));
    absl::StatusOr<Tensor> t = ParseTensorLiteral(kv.second, info->dtype());
    if (!t.ok()) {
      return AnnotateStatus(t.status(),
                            absl::StrCat("--input_exprs '", key, "': "));
    }
    run.feeds.emplace_back(info->name(), *std::move(t));
  }
  return run;
}

absl::StatusOr<InitOp> FindInitOp(const MetaGraphDef& meta,
                                  const std::string& model_dir) {
  InitOp init;
  auto sig = meta.signature_def().find("__saved_model_init_op");
  if (sig != meta.signature_def().end()) {
    auto out = sig->second.outputs().find("__saved_model_init_op");
    if (out != sig->second.outputs().end()) init.op = out->second.name();
  }
  for (const char* collection : {"saved_model_main_op", "legacy_init_op"}) {
    if (!init.op.empty()) break;
    auto it = meta.collection_def().find(collection);
    if (it == meta.collection_def().end()) continue;
    const auto& names = it->second.node_list().value();
    TG_REQUIRE(names.size() == 1, InvalidArgument, "collection ", collection,
               " must hold one op, holds ", names.size());
    init.op = names[0];
  }
  if (!init.op.empty() && init.op.find(':') != std::string::npos) {
    init.op = init.op.substr(0, init.op.find(':'));
  }
  for (const auto& asset : meta.asset_file_def()) {
    Tensor path(DT_STRING, TensorShape());
    path.flat<std::string>()[0] =
        absl::StrCat(model_dir, "/assets/", asset.filename());
    init.feeds.emplace_back(asset.tensor_info().name(), std::move(path));
  }
  return init;
}

}  // namespace tool
}  // namespace tg
