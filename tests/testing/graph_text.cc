#include "tests/testing/graph_text.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace tg {
namespace testing {

::tensorgraph::GraphDef ParseGraphText(const std::string& text) {
  ::tensorgraph::GraphDef def;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &def))
      << text;
  return def;
}

std::string NodeText(const std::string& name, const std::string& op,
                     const std::vector<std::string>& inputs,
                     const std::string& type, bool in_body,
                     const std::string& more) {
  std::string out = absl::StrCat(in_body ? "node_def" : "node", " { name: '",
                                 name, "' op: '", op, "'");
  for (const std::string& in : inputs)
    absl::StrAppend(&out, " input: '", in, "'");
  if (!type.empty()) {
    absl::StrAppend(&out, " attr { key: 'T' value { type: ", type, " } }");
  }
  return absl::StrCat(out, more.empty() ? "" : " ", more, " }\n");
}

std::string ConstText(const std::string& name, const std::string& type,
                      double value, bool in_body,
                      const std::vector<std::string>& inputs) {
  std::string out = absl::StrCat(in_body ? "node_def" : "node", " { name: '",
                                 name, "' op: 'Const'");
  for (const std::string& in : inputs)
    absl::StrAppend(&out, " input: '", in, "'");
  const bool is_float = type == "DT_FLOAT" || type == "DT_DOUBLE";
  absl::StrAppend(&out, " attr { key: 'dtype' value { type: ", type,
                  " } } attr { key: 'value' value { tensor { dtype: ", type,
                  " tensor_shape {} ",
                  type == "DT_DOUBLE"  ? "double_val: "
                  : is_float           ? "float_val: "
                  : type == "DT_INT64" ? "int64_val: "
                                       : "int_val: ",
                  is_float ? absl::StrCat(value)
                           : absl::StrCat(static_cast<int64_t>(value)),
                  " } } } }\n");
  return out;
}

std::string SignatureText(const std::string& name, const Args& inputs,
                          const Args& outputs) {
  std::string out = absl::StrCat("signature { name: '", name, "'");
  for (const auto& [arg, type] : inputs) {
    absl::StrAppend(&out, " input_arg { name: '", arg, "' type: ", type, " }");
  }
  for (const auto& [arg, type] : outputs) {
    absl::StrAppend(&out, " output_arg { name: '", arg, "' type: ", type, " }");
  }
  return out + " }\n";
}

}  // namespace testing
}  // namespace tg
