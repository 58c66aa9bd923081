#!/usr/bin/env bash
# The GPU tests and benchmark on the device machine (CUDA and OpenCL), in two halves.
#
#   tests/Gpu/Invoke-DeviceTests.sh publish [CHECKOUT]
#     Here: publishes the GPU test program self-contained (the device machine has no .NET) and packs it with the
#     shared models and golden runs the device tests read into CHECKOUT/.device-carry/tests.tar.xz, beside this
#     script (CHECKOUT defaults to the checkout the device tool sends, /work/main; .git/info/exclude ignores the
#     folder there). Not a single-file program: xunit's runner needs its assembly on disk, and xz packs the
#     runtime smaller anyway. Then call the device tool's run with carry [".device-carry"] and the printed command.
#
#   tests/Gpu/Invoke-DeviceTests.sh module [CHECKOUT]
#     Here: publishes a PowerShell host (tests/Gpu/DeviceHost) self-contained and packs it with the built module
#     (run `dotnet build -c Release` first), tests/Gpu/DeviceDemo.ps1 and stories260K into CHECKOUT/.device-carry/.
#   bash .device-carry/Invoke-DeviceTests.sh demo
#     There: runs DeviceDemo.ps1 through the cmdlets: Get-LlamaDevice (-Benchmark), greedy text per device,
#     Measure-LlamaModel on CUDA. Output goes to $OUT/demo.log.
#
#   bash .device-carry/Invoke-DeviceTests.sh cpu-bench [TYPES]
#     There, after `module`: DeviceCpuBenchmark.ps1 on the CPU engine with LLAMAPS_SIMD=Avx2, =AvxVnni and the default
#     path, 2 threads, TinyLlama-shaped models of TYPES (default Q4_0,Q8_0,Q4_K_M,IQ4_XS). Output goes to $OUT.
#
#   tests/Gpu/Invoke-DeviceTests.sh cpu [CHECKOUT]
#     Here: publishes the engine's tests self-contained into CHECKOUT/.device-carry/ with the quantized synthetic
#     models and their golden runs (the CPU paths this machine lacks: the device machine's Xeon has AVX-VNNI).
#   bash .device-carry/Invoke-DeviceTests.sh cpu-paths
#     There: every kernel on every path the CPU has against its scalar expression (and AVX-VNNI against AVX2 to the
#     bit), the CPU operators, and the golden logits of every quantized type, on the engine's default path and with
#     LLAMAPS_SIMD=AvxVnni. Output goes to $OUT.
#
#   bash .device-carry/Invoke-DeviceTests.sh device [BENCHMARKS...]
#     There: the CUDA and OpenCL kernel, golden and greedy-text tests (a missing device fails them), then the CUDA
#     benchmark on synthetic models written there (default: TinyLlama-1.1B and Llama-2-7B shapes, Q4_0, Q8_0 and
#     Q4_K_M). Logs go to $OUT.
set -euo pipefail

# The carry limit is 64 MiB and the packed program takes 37: stories260K, the quantized models (every quantized
# kernel, both architectures) and F16 fit; BF16 and F32 are checked there by the kernel tests only.
MODELS="stories260K synth-llama-f16 synth-llama-q8_0 synth-qwen2-q8_0 synth-llama-q4_0 synth-llama-q6_k synth-llama-q4_k_m synth-qwen2-q4_k_m"
# The CPU paths' golden runs: every quantized type (the float types take no integer kernel).
CPU_MODELS="synth-llama-q2_k synth-llama-q3_k_m synth-llama-q4_0 synth-llama-q4_1 synth-llama-q4_k_m synth-llama-q5_0 synth-llama-q5_1 synth-llama-q5_k_m synth-llama-q6_k synth-llama-q8_0 synth-llama-iq4_nl synth-llama-iq4_xs synth-qwen2-q4_k_m synth-qwen2-q8_0"

# Here: an empty CHECKOUT/.device-carry (CHECKOUT: $1, default /work/main, the checkout the device tool sends, whose
# .git/info/exclude then ignores the folder) and a staging folder; sets root, carry and stage.
begin_carry() {
    root="$(cd "$(dirname "$0")/../.." && pwd)"
    local checkout="${1:-/work/main}"
    carry="$checkout/.device-carry"
    grep -qxF '/.device-carry/' "$checkout/.git/info/exclude" 2>/dev/null || echo '/.device-carry/' >> "$checkout/.git/info/exclude"
    stage="$(mktemp -d)"
    rm -rf "$carry" && mkdir -p "$carry"
}

# Here: packs the staging folder as .device-carry/NAME.tar.xz beside this script and says how to run VERB there.
end_carry() {
    tar -cJf "$carry/$1.tar.xz" -C "$stage" .
    rm -rf "$stage"
    cp "$0" "$carry/Invoke-DeviceTests.sh"
    du -sh "$carry"
    echo "run: carry [\".device-carry\"], command: bash .device-carry/Invoke-DeviceTests.sh $2"
}

case "${1:-}" in
publish)
    begin_carry "${2:-}"
    mkdir -p "$stage/shared/models" "$stage/shared/golden"
    dotnet publish "$root/tests/LlamaPS.Engine.Gpu.Tests" -c Release -r linux-x64 --self-contained -p:DebugType=none -o "$stage/bin"
    for m in $MODELS; do
        cp "$root/../shared/models/$m.gguf" "$stage/shared/models/"
        cp "$root/../shared/golden/$m".p[12].* "$stage/shared/golden/"
    done
    end_carry tests device
    ;;
module)
    begin_carry "${2:-}"
    mkdir -p "$stage/module" "$stage/shared/models"
    dotnet publish "$root/tests/Gpu/DeviceHost" -c Release -r linux-x64 --self-contained -p:DebugType=none -o "$stage/host"
    cp -r "$root/LlamaPS.psd1" "$root/bin" "$root/module" "$stage/module/"
    cp "$root/tests/Gpu/DeviceDemo.ps1" "$root/tests/Gpu/DeviceCpuBenchmark.ps1" "$stage/"
    cp "$root/../shared/models/stories260K.gguf" "$stage/shared/models/"
    end_carry module demo
    ;;
cpu)
    begin_carry "${2:-}"
    dotnet publish "$root/tests/LlamaPS.Engine.Tests" -c Release -r linux-x64 --self-contained -p:DebugType=none -o "$stage/bin"
    mkdir -p "$stage/shared/models" "$stage/shared/golden"
    for m in $CPU_MODELS; do
        cp "$root/../shared/models/$m.gguf" "$stage/shared/models/"
        cp "$root/../shared/golden/$m".p[12].* "$stage/shared/golden/"
    done
    end_carry enginetests cpu-paths
    ;;
cpu-paths)
    here="$(mktemp -d)"
    tar -xJf "$(dirname "$0")/enginetests.tar.xz" -C "$here"
    out="${OUT:-$here/out}"
    mkdir -p "$out"
    export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 LLAMAPS_SHARED="$here/shared" LLAMAPS_GOLDEN_MODELS="${CPU_MODELS// /,}"
    grep -m1 'model name' /proc/cpuinfo; grep -o -m1 -w 'avx_vnni' /proc/cpuinfo || echo "no avx_vnni"
    status=0
    for simd in "" AvxVnni; do
        for class in Cpu.WeightKernelTests Cpu.OperatorTests Golden.GoldenLogitsTests; do
            LLAMAPS_SIMD=$simd "$here/bin/LlamaPS.Engine.Tests" -class "LlamaPS.Engine.Tests.$class" > "$out/$class${simd:+-$simd}.log" 2>&1 || status=1
            echo "$class${simd:+ (LLAMAPS_SIMD=$simd)}: $(grep -E 'Total:' "$out/$class${simd:+-$simd}.log" | sed 's/.*Total/Total/')"
            grep -E '\[FAIL\]' "$out/$class${simd:+-$simd}.log" || true
        done
    done
    exit $status
    ;;
demo)
    here="$(mktemp -d)"
    tar -xJf "$(dirname "$0")/module.tar.xz" -C "$here"
    out="${OUT:-$here/out}"
    mkdir -p "$out"
    export LLAMAPS_MODULE="$here/module" LLAMAPS_SHARED="$here/shared" DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
    "$here/host/LlamaPS.DeviceHost" "$here/DeviceDemo.ps1" 2>&1 | tee "$out/demo.log"
    ;;
cpu-bench)
    here="$(mktemp -d)"
    tar -xJf "$(dirname "$0")/module.tar.xz" -C "$here"
    out="${OUT:-$here/out}"
    mkdir -p "$out"
    export LLAMAPS_MODULE="$here/module" LLAMAPS_SHARED="$here/shared" DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
    export LLAMAPS_BENCH_TYPES="${2:-Q4_0,Q8_0,Q4_K_M,IQ4_XS}"
    grep -m1 'model name' /proc/cpuinfo; grep -o -m1 -w 'avx_vnni' /proc/cpuinfo || echo "no avx_vnni"
    for simd in Avx2 AvxVnni ""; do
        LLAMAPS_SIMD=$simd "$here/host/LlamaPS.DeviceHost" "$here/DeviceCpuBenchmark.ps1" 2>&1 | tee -a "$out/cpu-bench.log"
    done
    ;;
device)
    shift
    here="$(mktemp -d)"
    tar -xJf "$(dirname "$0")/tests.tar.xz" -C "$here"
    out="${OUT:-$here/out}"
    mkdir -p "$out"
    export LLAMAPS_SHARED="$here/shared" LLAMAPS_REQUIRE_GPU=cuda,opencl DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
    export LLAMAPS_GOLDEN_MODELS="${MODELS// /,}"
    nvidia-smi -L || true
    (command -v clinfo >/dev/null && clinfo -l) || true
    status=0
    "$here/bin/LlamaPS.Engine.Gpu.Tests" -parallel none -class '*Cuda*' -class '*OpenCl*' 2>&1 | tee "$out/tests.log" | grep -E '\[FAIL\]|Total:|GreedyStory|error' || status=1
    grep -q 'Failed: 0' "$out/tests.log" || status=1
    # The benchmark on CUDA only: the table is the H200's (PoCL runs OpenCL on the host's cores).
    "$here/bin/LlamaPS.Engine.Gpu.Tests" benchmark cuda /tmp/llamaps-bench "$@" 2>&1 | tee "$out/benchmark-cuda.log" || status=1
    exit $status
    ;;
profile)
    # Kernel times from Nsight Compute for one prompt (pp512) and 2 generated tokens of SHAPE:MIX (default
    # TinyLlama-1.1B:Q4_0), after the benchmark has run warm-up passes; run after `device`, which writes the model.
    model="${2:-TinyLlama-1.1B:Q4_0}"
    here="$(mktemp -d)"
    tar -xJf "$(dirname "$0")/tests.tar.xz" -C "$here"
    out="${OUT:-$here/out}"
    mkdir -p "$out"
    export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
    layers=$(case "$model" in TinyLlama*) echo 22;; *) echo 32;; esac)
    per_pass=$((layers * 14 + 4))
    for phase in pp tg; do
        if [ $phase = pp ]; then skip=$per_pass; count=$per_pass; else skip=$((per_pass * 4 + per_pass * 10)); count=$((per_pass * 2)); fi
        ncu --clock-control none --launch-skip $skip --launch-count $count --metrics gpu__time_duration.sum --print-summary per-kernel \
            "$here/bin/LlamaPS.Engine.Gpu.Tests" benchmark cuda /tmp/llamaps-bench "$model" > "$out/profile-$phase.log" 2>&1 || true
        grep -E '^  [A-Za-z_].*\(|gpu__time_duration.sum|Invocations' "$out/profile-$phase.log" | head -80
    done
    ;;
*)
    echo "usage: $0 publish [CHECKOUT] | module [CHECKOUT] | cpu [CHECKOUT] | device [SHAPE:MIX ...] | demo | cpu-bench [TYPES] | cpu-paths | profile [SHAPE:MIX]" >&2
    exit 2
    ;;
esac
