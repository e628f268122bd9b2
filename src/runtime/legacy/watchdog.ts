/**
 * ha.cf `watchdog <device>`: the daemon writes one NUL byte every time it
 * receives its own heartbeat, so a hung daemon lets the kernel watchdog reset
 * the machine; a clean exit writes the magic 'V' first so the timer stops.
 * (Heartbeat also sets the device timeout with WDIOC_SETTIMEOUT; Node has no
 * ioctl, so the driver's configured timeout applies.)
 */
import {closeSync, constants, openSync, writeSync} from 'node:fs'
import type {Logger} from './resource-manager.js'

export class Watchdog {
  private fd?: number

  constructor(private readonly device: string, private readonly log: Logger = () => {}) {}

  open(): boolean {
    try {
      this.fd = openSync(this.device, constants.O_WRONLY)
      this.log('info', `Using watchdog device: ${this.device}`)
      return true
    } catch {
      this.log('error', `Cannot open watchdog device: ${this.device}`)
      return false
    }
  }

  /** Called on every own heartbeat received. */
  tickle(): void {
    if (this.fd === undefined) return
    try {
      writeSync(this.fd, Buffer.from([0]))
    } catch {
      this.log('error', `Watchdog write failure: closing ${this.device}!`)
      this.close(false)
    }
  }

  /** Clean exit: disarm with the magic close, then close. */
  close(disarm = true): void {
    if (this.fd === undefined) return
    try {
      if (disarm) writeSync(this.fd, 'V')
    } catch {
      // closing anyway
    }
    closeSync(this.fd)
    this.fd = undefined
  }
}
