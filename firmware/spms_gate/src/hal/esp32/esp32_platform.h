// The ESP32-CAM's side of the hardware layer (Arduino core for ESP32 3.x, ESP-IDF 5.x).
// Only compiled for ARDUINO_ARCH_ESP32: the host build never sees it.
#pragma once

namespace spms {
namespace esp32 {
/** Brings up NVS, the camera, the sensor, the servo, Wi-Fi (or the set-up access point), the web servers and the gate's tasks. */
void start();
/** Reads the serial console (called from the Arduino loop task). */
void consoleLoop();
}  // namespace esp32
}  // namespace spms
