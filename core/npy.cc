#include "core/npy.h"

#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/file_io.h"

namespace tg {
namespace {

constexpr char kMagic[] = "\x93NUMPY";

struct NpyType {
  DataType dtype;
  const char* descr;
};
constexpr NpyType kTypes[] = {
    {::tensorgraph::DT_FLOAT, "<f4"},  {::tensorgraph::DT_DOUBLE, "<f8"},
    {::tensorgraph::DT_INT8, "|i1"},   {::tensorgraph::DT_INT16, "<i2"},
    {::tensorgraph::DT_INT32, "<i4"},  {::tensorgraph::DT_INT64, "<i8"},
    {::tensorgraph::DT_UINT8, "|u1"},  {::tensorgraph::DT_UINT16, "<u2"},
    {::tensorgraph::DT_UINT32, "<u4"}, {::tensorgraph::DT_UINT64, "<u8"},
    {::tensorgraph::DT_BOOL, "|b1"},
};

}  // namespace

absl::Status WriteNpyFile(const Tensor& tensor, const std::string& path) {
  TG_RETURN_IF_ERROR(
      tensor.CheckOnHost(absl::StrCat("the tensor for '", path, "'")));
  const char* descr = nullptr;
  for (const NpyType& t : kTypes) {
    if (t.dtype == tensor.dtype()) descr = t.descr;
  }
  if (descr == nullptr) {
    return absl::UnimplementedError(absl::StrCat(
        "cannot write a ", DataTypeName(tensor.dtype()), " tensor as .npy"));
  }
  std::string shape = absl::StrJoin(tensor.shape().dims(), ", ");
  if (tensor.shape().rank() == 1) shape += ",";
  std::string header =
      absl::StrCat("{'descr': '", descr,
                   "', 'fortran_order': False, 'shape': (", shape, "), }");
  // Pad with spaces so magic + version + length + header is a multiple of
  // 64, ending in a newline.
  const size_t unpadded = 6 + 2 + 2 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');
  std::string out(kMagic, 6);
  out.push_back('\x01');
  out.push_back('\x00');
  out.push_back(static_cast<char>(header.size() & 0xff));
  out.push_back(static_cast<char>(header.size() >> 8));
  out += header;
  out.append(static_cast<const char*>(tensor.raw_data()), tensor.TotalBytes());
  return WriteFileAtomically(path, out);
}

absl::StatusOr<Tensor> ReadNpyFile(const std::string& path) {
  TG_ASSIGN_OR_RETURN(std::string data, ReadFileToString(path));
  auto bad = [&](absl::string_view why) {
    return absl::DataLossError(
        absl::StrCat("'", path, "' is not a valid .npy file: ", why));
  };
  if (data.size() < 10 || data.compare(0, 6, kMagic, 6) != 0) {
    return bad("bad magic");
  }
  const int major = static_cast<unsigned char>(data[6]);
  size_t header_len, offset;
  if (major == 1) {
    header_len = static_cast<unsigned char>(data[8]) |
                 (static_cast<unsigned char>(data[9]) << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (data.size() < 12) return bad("truncated header");
    header_len = 0;
    for (int i = 3; i >= 0; --i) {
      header_len = header_len << 8 | static_cast<unsigned char>(data[8 + i]);
    }
    offset = 12;
  } else {
    return bad(absl::StrCat("unsupported version ", major));
  }
  if (data.size() < offset + header_len) return bad("truncated header");
  absl::string_view header(data.data() + offset, header_len);
  auto field = [&](absl::string_view key) -> absl::string_view {
    size_t at = header.find(absl::StrCat("'", key, "'"));
    if (at == absl::string_view::npos) return {};
    absl::string_view rest = header.substr(at + key.size() + 2);
    rest = absl::StripLeadingAsciiWhitespace(rest);
    absl::ConsumePrefix(&rest, ":");
    return absl::StripLeadingAsciiWhitespace(rest);
  };
  absl::string_view descr = field("descr");
  DataType dtype = DT_INVALID;
  for (const NpyType& t : kTypes) {
    if (!descr.empty() && absl::StartsWith(descr.substr(1), t.descr)) {
      dtype = t.dtype;
    }
  }
  if (dtype == DT_INVALID) return bad("unsupported dtype (descr)");
  if (!absl::StartsWith(field("fortran_order"), "False")) {
    return bad("Fortran-order arrays are not supported");
  }
  absl::string_view shape_text = field("shape");
  if (!absl::ConsumePrefix(&shape_text, "(")) return bad("no shape");
  shape_text = shape_text.substr(0, shape_text.find(')'));
  Dims dims;
  for (absl::string_view d :
       absl::StrSplit(shape_text, ',', absl::SkipWhitespace())) {
    int64_t v;
    if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(d), &v) || v < 0) {
      return bad("bad shape");
    }
    dims.push_back(v);
  }
  absl::StatusOr<TensorShape> shape = TensorShape::FromDims(dims);
  if (!shape.ok()) return bad(shape.status().message());
  // The declared size is checked against the bytes really there before
  // anything is allocated: a header may declare any shape.
  const size_t body = data.size() - offset - header_len;
  const size_t element = DataTypeSize(dtype);
  if (body % element != 0 ||
      static_cast<uint64_t>(shape->num_elements()) != body / element) {
    return bad(absl::StrCat("holds ", body, " data bytes but shape ",
                            shape->DebugString(), " of ", DataTypeName(dtype),
                            " needs ", shape->num_elements(), " elements of ",
                            element, " bytes"));
  }
  TG_ASSIGN_OR_RETURN(Tensor t, Tensor::Allocate(dtype, *shape));
  if (body > 0) {
    std::memcpy(t.raw_data(), data.data() + offset + header_len, body);
  }
  NormalizeBools(&t);
  return t;
}

}  // namespace tg
