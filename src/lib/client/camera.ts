/**
 * The rear camera: `getUserMedia` with the failures a patrol meets sorted into states the page
 * can say plainly (permission denied, no camera, camera busy), and the torch where the track
 * has one.
 */

export type CameraProblem = 'denied' | 'no_camera' | 'busy' | 'insecure' | 'unsupported' | 'failed';

export class CameraError extends Error {
	override name = 'CameraError';
	readonly problem: CameraProblem;
	constructor(problem: CameraProblem, message: string) {
		super(message);
		this.problem = problem;
	}
}

/** What to tell the user for each problem. */
export const CAMERA_PROBLEM_TEXT: Record<CameraProblem, string> = {
	denied: 'Camera permission was denied. Allow the camera for this site in the browser settings, then try again — or read a plate from a photo.',
	no_camera: 'This device has no camera the app can use. Read a plate from a photo instead.',
	busy: 'The camera is in use by another app. Close it and try again.',
	insecure: 'The camera needs a secure (https) connection.',
	unsupported: 'This browser cannot use the camera. Read a plate from a photo instead.',
	failed: 'The camera could not be started.'
};

/** Sorts a getUserMedia failure. */
export function cameraProblemOf(error: unknown): CameraProblem {
	const name = (error as { name?: string } | null)?.name ?? '';
	if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') return 'denied';
	if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError') return 'no_camera';
	if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') return 'busy';
	return 'failed';
}

export interface RearCamera {
	stream: MediaStream;
	track: MediaStreamTrack;
	/** whether the torch can be switched */
	hasTorch: boolean;
	setTorch(on: boolean): Promise<void>;
	stop(): void;
}

/**
 * Opens the rear camera (the front one, or any, when there is none).
 * @throws {CameraError}
 */
export async function openRearCamera(width = 1280, height = 720): Promise<RearCamera> {
	if (typeof window !== 'undefined' && !window.isSecureContext) throw new CameraError('insecure', CAMERA_PROBLEM_TEXT.insecure);
	if (!navigator.mediaDevices?.getUserMedia) throw new CameraError('unsupported', CAMERA_PROBLEM_TEXT.unsupported);
	let stream: MediaStream;
	try {
		stream = await navigator.mediaDevices.getUserMedia({ audio: false, video: { facingMode: { ideal: 'environment' }, width: { ideal: width }, height: { ideal: height } } });
	} catch (error) {
		const problem = cameraProblemOf(error);
		throw new CameraError(problem, CAMERA_PROBLEM_TEXT[problem]);
	}
	const track = stream.getVideoTracks()[0];
	if (!track) {
		stream.getTracks().forEach((t) => t.stop());
		throw new CameraError('no_camera', CAMERA_PROBLEM_TEXT.no_camera);
	}
	const caps = (track.getCapabilities?.() ?? {}) as MediaTrackCapabilities & { torch?: boolean };
	return {
		stream,
		track,
		hasTorch: caps.torch === true,
		async setTorch(on) {
			await track.applyConstraints({ advanced: [{ torch: on } as MediaTrackConstraintSet] });
		},
		stop() {
			stream.getTracks().forEach((t) => t.stop());
		}
	};
}

/**
 * True when a frame is (nearly) black: a covered lens, a dead sensor, night without the torch.
 * Samples a grid of the frame's pixels; `data` is RGBA.
 */
export function isDarkFrame(data: Uint8ClampedArray | Uint8Array, threshold = 16): boolean {
	const pixels = data.length >> 2;
	if (pixels === 0) return true;
	const step = Math.max(1, Math.floor(pixels / 2000));
	let sum = 0;
	let n = 0;
	for (let p = 0; p < pixels; p += step, n++) {
		const i = p << 2;
		sum += (data[i]! * 3 + data[i + 1]! * 6 + data[i + 2]!) / 10;
	}
	return sum / n < threshold;
}
