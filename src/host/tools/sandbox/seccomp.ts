/**
 * The seccomp filter bwrap loads (`--seccomp 3`), as a classic BPF program. Pure.
 *
 * Why: a read-only bind mount does NOT stop `connect()` to a Unix socket on it (measured: a sandboxed
 * python reached a listening socket under a read-only /opt). docker.sock, VS Code's IPC handles, an
 * ssh agent are such sockets, and reaching one is an escape. The network namespace already isolates
 * abstract sockets and TCP; this blocks creating AF_UNIX sockets at all (`socketpair()`, which pipes
 * between a command's own processes use, stays allowed). It also refuses io_uring (whose own socket and
 * connect operations would bypass the check) and the kernel keyrings (credentials some tools keep
 * there), and kills processes of a foreign ABI (x32, i386 on x86-64; arm32 on arm64), whose syscall
 * numbers the filter does not know.
 */

interface Arch {
  audit: number;
  socket: number;
  /** x86-64: syscalls with this bit set are the x32 ABI. */
  x32Bit?: number;
  ioUringSetup: number;
  keyctl: number;
  addKey: number;
  requestKey: number;
}

const ARCHES: Readonly<Record<string, Arch>> = {
  x64: { audit: 0xc000003e, socket: 41, x32Bit: 0x40000000, ioUringSetup: 425, keyctl: 250, addKey: 248, requestKey: 249 },
  arm64: { audit: 0xc00000b7, socket: 198, ioUringSetup: 425, keyctl: 219, addKey: 217, requestKey: 218 },
};

const LD_ABS_W = 0x20;
const JEQ_K = 0x15;
const JSET_K = 0x45;
const RET_K = 0x06;
const RET_ALLOW = 0x7fff0000;
const RET_KILL_PROCESS = 0x80000000;
const retErrno = (errno: number): number => 0x00050000 | errno;
const EACCES = 13;
const ENOSYS = 38;
const EPERM = 1;
const AF_UNIX = 1;
const OFFSET_NR = 0;
const OFFSET_ARCH = 4;
/** args[0], low 32 bits (little-endian): the kernel reads `int family`, so the high half does not count. */
const OFFSET_ARG0 = 16;

type Target = 'next' | 'allow' | 'unix' | 'kill' | 'nosys' | 'eperm';
type Instruction = { code: number; k: number; jt?: Target; jf?: Target } | { label: Target; code: number; k: number };

/** The filter for this machine's architecture, or undefined where it is not known (the sandbox says so). */
export function seccompFilter(arch: string = process.arch): Uint8Array | undefined {
  const a = ARCHES[arch];
  if (!a) return undefined;
  const program: Instruction[] = [
    { code: LD_ABS_W, k: OFFSET_ARCH },
    { code: JEQ_K, k: a.audit, jt: 'next', jf: 'kill' },
    { code: LD_ABS_W, k: OFFSET_NR },
    ...(a.x32Bit ? [{ code: JSET_K, k: a.x32Bit, jt: 'kill' as const, jf: 'next' as const }] : []),
    { code: JEQ_K, k: a.ioUringSetup, jt: 'nosys', jf: 'next' },
    { code: JEQ_K, k: a.keyctl, jt: 'eperm', jf: 'next' },
    { code: JEQ_K, k: a.addKey, jt: 'eperm', jf: 'next' },
    { code: JEQ_K, k: a.requestKey, jt: 'eperm', jf: 'next' },
    { code: JEQ_K, k: a.socket, jt: 'next', jf: 'allow' },
    { code: LD_ABS_W, k: OFFSET_ARG0 },
    { code: JEQ_K, k: AF_UNIX, jt: 'unix', jf: 'allow' },
    { label: 'allow', code: RET_K, k: RET_ALLOW },
    { label: 'unix', code: RET_K, k: retErrno(EACCES) },
    { label: 'nosys', code: RET_K, k: retErrno(ENOSYS) },
    { label: 'eperm', code: RET_K, k: retErrno(EPERM) },
    { label: 'kill', code: RET_K, k: RET_KILL_PROCESS },
  ];
  return assemble(program);
}

function assemble(program: readonly Instruction[]): Uint8Array {
  const at = new Map<Target, number>();
  program.forEach((instruction, index) => {
    if ('label' in instruction) at.set(instruction.label, index);
  });
  const offset = (from: number, target: Target | undefined): number => {
    if (target === undefined || target === 'next') return 0;
    const distance = at.get(target)! - from - 1;
    if (distance < 0 || distance > 255) throw new Error(`seccomp: jump to ${target} out of range`);
    return distance;
  };
  const bytes = new Uint8Array(program.length * 8);
  const view = new DataView(bytes.buffer);
  program.forEach((instruction, index) => {
    const jumps = 'label' in instruction ? { jt: 0, jf: 0 } : { jt: offset(index, instruction.jt), jf: offset(index, instruction.jf) };
    view.setUint16(index * 8, instruction.code, true);
    view.setUint8(index * 8 + 2, jumps.jt);
    view.setUint8(index * 8 + 3, jumps.jf);
    view.setUint32(index * 8 + 4, instruction.k >>> 0, true);
  });
  return bytes;
}
