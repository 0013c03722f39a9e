// SPMS gate: an AI-Thinker ESP32-CAM with a vehicle sensor and a servo barrier.
// Arduino core for ESP32 3.x. Build and flash: see firmware/README.md. Everything is provisioned
// at run time (serial console or the set-up page), nothing secret is compiled in.
#include "board_config.h"
#include "src/hal/esp32/esp32_platform.h"

void setup() { spms::esp32::start(); }

// The work happens in the tasks start() creates; the Arduino loop task only reads the console.
void loop() { spms::esp32::consoleLoop(); }
