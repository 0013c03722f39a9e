// Large buffers (queued JPEGs) go to PSRAM on the ESP32-CAM: the platform provides
// spms_large_alloc/free (heap_caps_malloc(MALLOC_CAP_SPIRAM) there, malloc on the host).
#pragma once
#include <cstddef>
#include <cstdint>
#include <new>
#include <vector>

extern "C" void* spms_large_alloc(size_t bytes);
extern "C" void spms_large_free(void* p);

namespace spms {

template <class T>
struct LargeAllocator {
  using value_type = T;
  LargeAllocator() = default;
  template <class U>
  LargeAllocator(const LargeAllocator<U>&) {}
  T* allocate(size_t n) {
    void* p = spms_large_alloc(n * sizeof(T));
    if (!p) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t) { spms_large_free(p); }
  template <class U>
  bool operator==(const LargeAllocator<U>&) const { return true; }
  template <class U>
  bool operator!=(const LargeAllocator<U>&) const { return false; }
};

using Bytes = std::vector<uint8_t, LargeAllocator<uint8_t>>;

}  // namespace spms
