import { packageCommand } from "../../lib/package/command.js";

export default packageCommand("go");
